extension Substring {
  /// The text without the ASCII characters of `set` at either end, trimmed on the UTF-8 bytes.
  func trimmingASCII(_ set: String) -> String {
    let trim = Array(set.utf8)
    var view = utf8[...]
    while let first = view.first, trim.contains(first) { view = view.dropFirst() }
    while let last = view.last, trim.contains(last) { view = view.dropLast() }
    return String(Substring(view))
  }
}

extension String {
  /// The text without the ASCII characters of `set` at either end.
  func trimmingASCII(_ set: String) -> String { self[...].trimmingASCII(set) }
}
