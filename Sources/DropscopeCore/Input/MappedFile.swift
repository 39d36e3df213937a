#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file mapped read-only into memory, so its bytes are read where they lie; pages that reading has
/// moved past are given back, so resident memory stays small whatever the file's size.
final class MappedFile {
  let bytes: UnsafeRawBufferPointer
  private var released = 0
  /// Told how far reading has got each time pages are given back (every 8 MiB or more); nil: nobody asks.
  var progress: InputProgressMeter?
  private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// Maps the file open on `descriptor` (which stays open); nil for an empty or irregular file (a pipe, a terminal),
  /// or when mapping fails.
  init?(descriptor: Int32) {
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
    let size = Int(info.st_size)
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else { return nil }
    _ = madvise(base, size, MADV_SEQUENTIAL)
    bytes = UnsafeRawBufferPointer(start: base, count: size)
    _ = madvise(base, size, MADV_WILLNEED)
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }

  /// Gives back the pages wholly before `pointer` (in this file): nothing there will be read again.
  func release(before pointer: UnsafeRawPointer) {
    guard let base = bytes.baseAddress else { return }
    let end = (pointer - base) / Self.pageSize * Self.pageSize
    guard end - released >= 8 << 20 else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base + released), end - released, MADV_DONTNEED)
    released = end
    progress?.advance(to: Int64(end))
  }
}
