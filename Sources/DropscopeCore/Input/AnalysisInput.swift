#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An input to analyze: where to read it, how to name it in the report, and, once the analysis opened it, the open
/// input its readers share.
public struct AnalysisInput: Sendable, Equatable {
  public var path: String
  public var displayName: String
  /// The input opened once: sniffing and reading both go through it, so a pipe is read once.
  var source: InputSource?

  public init(path: String, displayName: String? = nil) {
    self.path = path
    self.displayName = displayName ?? (path == "-" ? "<stdin>" : path)
  }

  public static func == (a: AnalysisInput, b: AnalysisInput) -> Bool {
    a.path == b.path && a.displayName == b.displayName
  }

  /// This input, opened (unless it cannot be: its reader then says why).
  func opened() -> AnalysisInput {
    var copy = self
    if copy.source == nil { copy.source = try? InputSource(path: path) }
    return copy
  }

  /// Expands files and folders (recursively, in name order) into inputs; `-` is standard input.
  /// - Throws: `DropscopeError.unreadableInput` for a path that does not exist.
  public static func expand(_ paths: [String]) throws -> [AnalysisInput] {
    var warnings: [AnalysisWarning] = []
    return try expand(paths, warnings: &warnings)
  }

  /// Expands files and folders into inputs, each file once: a link back to a folder being walked is not followed, and
  /// a file reached again through a link is not read again; both are warned of in `warnings`.
  /// - Throws: `DropscopeError.unreadableInput` for a path that does not exist.
  public static func expand(_ paths: [String], warnings: inout [AnalysisWarning]) throws -> [AnalysisInput] {
    guard !paths.isEmpty else { throw DropscopeError.noInputs }
    var walk = FolderWalk()
    for path in paths {
      if path == "-" {
        walk.inputs.append(AnalysisInput(path: "-"))
        continue
      }
      var info = stat()
      guard stat(path, &info) == 0 else {
        throw DropscopeError.unreadableInput(path: path, reason: String(cString: strerror(errno)))
      }
      if info.st_mode & S_IFMT == S_IFDIR {
        walk.enter(path, info)
      } else {
        walk.add(path, info)
      }
    }
    warnings += walk.warnings
    return walk.inputs
  }
}

/// Walks folders into inputs, knowing every file and folder by device and inode, so that links cannot make it loop
/// or read a file twice.
private struct FolderWalk {
  struct Identity: Hashable {
    var device: UInt64
    var inode: UInt64

    init(_ info: stat) {
      device = UInt64(info.st_dev)
      inode = UInt64(info.st_ino)
    }
  }

  var inputs: [AnalysisInput] = []
  var warnings: [AnalysisWarning] = []
  /// Regular files and folders already taken, with the path they were first taken as.
  private var seen: [Identity: String] = [:]
  /// The folders being walked, from the outermost.
  private var open: Set<Identity> = []

  /// Adds a file named directly or found in a folder; a regular file already added is warned of, not added.
  mutating func add(_ path: String, _ info: stat) {
    if info.st_mode & S_IFMT == S_IFREG {
      let identity = Identity(info)
      if let first = seen[identity] {
        warnings.append(AnalysisWarning(input: path, problem: .alreadyRead(path: path, first: first)))
        return
      }
      seen[identity] = path
    }
    inputs.append(AnalysisInput(path: path))
  }

  /// Walks a folder (in name order, hidden entries left out), unless it is one being walked or already walked.
  mutating func enter(_ directory: String, _ info: stat) {
    let identity = Identity(info)
    if open.contains(identity) {
      warnings.append(AnalysisWarning(input: directory, problem: .linkCycle(path: directory, target: seen[identity] ?? directory)))
      return
    }
    if let first = seen[identity] {
      warnings.append(AnalysisWarning(input: directory, problem: .alreadyRead(path: directory, first: first)))
      return
    }
    seen[identity] = directory
    open.insert(identity)
    defer { open.remove(identity) }
    guard let handle = opendir(directory) else { return }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
      }
      if name == "." || name == ".." || name.hasPrefix(".") { continue }
      names.append(name)
    }
    closedir(handle)
    let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    for name in names.sorted() {
      let path = "\(base)/\(name)"
      var info = stat()
      guard stat(path, &info) == 0 else { continue }
      if info.st_mode & S_IFMT == S_IFDIR {
        enter(path, info)
      } else if info.st_mode & S_IFMT == S_IFREG {
        add(path, info)
      }
    }
  }
}
