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
  /// The end of the pages mapped in ahead of reading.
  private var populated = 0
  /// How far ahead of reading pages are mapped in, in one call each time reading gets within half of it.
  private static let populateWindow = 4 << 20
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

  /// Maps in the pages ahead of `pointer` before reading reaches them: one call per 4 MiB
  /// (`MADV_POPULATE_READ`, Linux 5.14) instead of a page fault every 64 KiB, which was a tenth of the reading
  /// thread's time on a large capture. A kernel that does not know it leaves reading to fault as before.
  @inline(__always)
  func populate(ahead pointer: UnsafeRawPointer) {
    guard let base = bytes.baseAddress, pointer - base + Self.populateWindow / 2 >= populated else { return }
    populateWindow(from: pointer - base)
  }

  private func populateWindow(from offset: Int) {
    guard populated < bytes.count, let base = bytes.baseAddress else { return }
    let start = max(populated, offset / Self.pageSize * Self.pageSize)
    let end = min(bytes.count, start + Self.populateWindow)
    #if os(Linux)
    _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, Self.populateRead)
    #endif
    populated = end
  }

  /// Linux's `MADV_POPULATE_READ`, which older C headers lack.
  private static var populateRead: Int32 { 22 }

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
