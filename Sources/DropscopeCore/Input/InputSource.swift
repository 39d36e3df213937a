#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input opened once (a file, a FIFO, `/dev/fd/N`, or standard input): the bytes read ahead to sniff its kind
/// are kept and handed on to the reader before the rest, so nothing is read twice and a pipe loses nothing.
final class InputSource: @unchecked Sendable {
  private let descriptor: Int32
  private let ownsDescriptor: Bool
  let path: String
  /// Bytes read ahead by `head`, not yet handed on by `read`.
  private var ahead: [UInt8] = []
  private var aheadUsed = 0
  /// Bytes handed on so far.
  private(set) var offset: Int64 = 0
  /// Whether the first bytes read ahead are gzip's magic number.
  private(set) var isGzip = false
  /// Told of the bytes handed on, every so many (for progress on a terminal); nil: nobody asks.
  var progress: InputProgressMeter?

  /// Opens `path` for reading; `-` means standard input.
  /// - Throws: `DropscopeError.unreadableInput` when the file cannot be opened.
  init(path: String) throws {
    self.path = path
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

  /// The first `count` bytes of the input (fewer when it is shorter), read once and kept for `read` to hand on.
  /// - Returns: the bytes; a read error ends them early (`read` reports it).
  func head(_ count: Int) -> [UInt8] {
    precondition(offset == 0, "the head is read before anything is handed on")
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { buffer.deallocate() }
    while ahead.count < count, let n = try? readDescriptor(into: buffer), n > 0 {
      ahead += UnsafeRawBufferPointer(rebasing: buffer[0..<n])
    }
    isGzip = ahead.count >= 2 && ahead[0] == 0x1f && ahead[1] == 0x8b
    return Array(ahead.prefix(count))
  }

  /// The input's size, when it is a regular file; nil for a pipe, a terminal or standard input from one.
  var size: Int64? {
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int64(info.st_size)
  }

  /// Fills `buffer` with the next bytes: those read ahead first, then from the input.
  /// - Returns: the number of bytes read; 0 at the end.
  /// - Throws: `DropscopeError.unreadableInput` on a read error.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let n: Int
    if aheadUsed < ahead.count {
      n = min(buffer.count, ahead.count - aheadUsed)
      ahead.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + aheadUsed, byteCount: n) }
      aheadUsed += n
      if aheadUsed == ahead.count { ahead = [] }
    } else {
      n = try readDescriptor(into: buffer)
    }
    offset += Int64(n)
    if let progress, progress.due(at: offset) { progress.advance(to: offset) }
    return n
  }

  /// The input mapped into memory, when it is a regular, non-empty file; nil otherwise (read it with `read`).
  func map() -> MappedFile? {
    let file = MappedFile(descriptor: descriptor)
    file?.progress = progress
    return file
  }

  private func readDescriptor(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      #if canImport(Glibc)
      let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      #else
      let n = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
      #endif
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw DropscopeError.unreadableInput(path: path, reason: String(cString: strerror(errno)))
    }
  }
}
