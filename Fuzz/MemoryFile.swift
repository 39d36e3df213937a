#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that lives only in memory (a POSIX shared-memory object, unlinked as soon as it is open), rewritten for
/// each input: the analyzer opens it by its `/proc/self/fd` path like any file, and nothing is written to disk.
final class MemoryFile: @unchecked Sendable {
  /// The one file of this process (the fuzzer runs one input at a time).
  static let shared = MemoryFile()

  private let descriptor: Int32
  /// The path the analyzer opens.
  let path: String

  private init() {
    let name = "/dropscope-fuzz-\(getpid())"
    descriptor = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0o600)
    precondition(descriptor >= 0, "shm_open failed: \(String(cString: strerror(errno)))")
    shm_unlink(name)
    path = "/proc/self/fd/\(descriptor)"
  }

  /// Makes `bytes` the whole content of the file.
  func replace(with bytes: [UInt8]) {
    precondition(ftruncate(descriptor, 0) == 0)
    var written = 0
    bytes.withUnsafeBytes { raw in
      while written < raw.count {
        let n = pwrite(descriptor, raw.baseAddress! + written, raw.count - written, off_t(written))
        precondition(n > 0, "pwrite failed")
        written += n
      }
    }
  }
}
