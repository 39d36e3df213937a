import DropscopeCore
import Foundation

/// Where a report goes, piece by piece: standard output, or a file that replaces the one at its path only once the
/// whole report is written (a failed run leaves the old file as it was).
final class ReportOutput {
  private let handle: FileHandle
  private let path: String?
  private let partial: String?

  /// Standard output when `path` is nil.
  init(path: String?) throws {
    self.path = path
    guard let path else {
      handle = FileHandle.standardOutput
      partial = nil
      return
    }
    let partial = path + ".dropscope-partial"
    guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial)
    else {
      throw DropscopeError.unwritableOutput(path: path, reason: "the folder cannot be written to")
    }
    self.handle = handle
    self.partial = partial
  }

  func write(_ piece: String) throws {
    do {
      try handle.write(contentsOf: Data(piece.utf8))
    } catch {
      throw DropscopeError.unwritableOutput(path: path ?? "standard output", reason: error.localizedDescription)
    }
  }

  /// Puts a file written in full in place of the one at its path.
  func finish() throws {
    guard let path, let partial else { return }
    try? handle.close()
    guard rename(partial, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(partial)
      throw DropscopeError.unwritableOutput(path: path, reason: reason)
    }
  }

  /// Removes a file left half written.
  func abandon() {
    guard let partial else { return }
    try? handle.close()
    unlink(partial)
  }
}
