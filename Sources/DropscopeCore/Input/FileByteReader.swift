#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or standard input) in large chunks with POSIX `read`.
struct FileByteReader: ~Copyable {
  private let descriptor: Int32
  private let ownsDescriptor: Bool
  /// Bytes read so far.
  private(set) var offset: Int64 = 0

  /// Opens `path` for reading; `-` means standard input.
  /// - Throws: `DropscopeError.unreadableInput` when the file cannot be opened.
  init(path: String) throws {
    if path == "-" {
      descriptor = 0
      ownsDescriptor = false
    } else {
      descriptor = open(path, O_RDONLY)
      ownsDescriptor = true
      if descriptor < 0 {
        throw DropscopeError.unreadableInput(path: path, reason: String(cString: strerror(errno)))
      }
    }
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// Fills `buffer` with the next bytes.
  /// - Returns: the number of bytes read; 0 at end of file.
  /// - Throws: `DropscopeError.unreadableInput` on a read error.
  mutating func read(into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
    while true {
      let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      if n >= 0 {
        offset += Int64(n)
        return n
      }
      if errno == EINTR { continue }
      throw DropscopeError.unreadableInput(path: path, reason: String(cString: strerror(errno)))
    }
  }
}
