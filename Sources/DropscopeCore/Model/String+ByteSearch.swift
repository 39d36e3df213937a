import CByteSearch

extension StringProtocol {
  /// Whether the text holds `fragment`, compared byte for byte on UTF-8: no Foundation bridge, no locale.
  func containsBytes(_ fragment: String) -> Bool {
    var text = String(self)
    var fragment = fragment
    return text.withUTF8 { haystack in
      fragment.withUTF8 { needle in
        guard let n = needle.baseAddress else { return true }
        guard let h = haystack.baseAddress else { return false }
        return dropscope_memmem(h, haystack.count, n, needle.count) != nil
      }
    }
  }
}
