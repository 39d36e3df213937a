extension String {
  /// The hexadecimal identifiers the text names: words of six or more lowercase hexadecimal digits with at least one
  /// digit and one letter (`job 470d7c`, the parts of a UUID). Timestamps, counts and durations are none: two lines
  /// that name different identifiers and no common one speak of different things.
  var hexIdentifiers: Set<Substring> {
    var found = Set<Substring>()
    let bytes = Array(utf8)
    var i = 0
    while i < bytes.count {
      var j = i
      var digits = 0
      var letters = 0
      while j < bytes.count {
        let b = bytes[j]
        if b >= 0x30 && b <= 0x39 { digits += 1 } else if b >= 0x61 && b <= 0x66 { letters += 1 } else { break }
        j += 1
      }
      let bounded = (i == 0 || !bytes[i - 1].isIdentifierByte) && (j == bytes.count || !bytes[j].isIdentifierByte)
      if bounded, j - i >= 6, digits > 0, letters > 0 {
        let start = utf8.index(startIndex, offsetBy: i)
        found.insert(self[start..<utf8.index(start, offsetBy: j - i)])
      }
      i = Swift.max(j, i + 1)
    }
    return found
  }
}
