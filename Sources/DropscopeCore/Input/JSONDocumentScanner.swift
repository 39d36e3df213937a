/// Finds the records of a JSON document that arrives line by line: the objects that are elements of an array at
/// the top (`[ {…}, {…} ]`) or one level down (`{"events": [ {…}, {…} ], …}`), each handed over whole, with the
/// line it starts on, as soon as its closing brace is read. Memory holds one record, whatever the document's size.
struct JSONDocumentScanner {
  /// The open containers, `{` or `[`.
  private var stack: [UInt8] = []
  private var inString = false
  private var escaped = false
  private var element: [UInt8] = []
  private var captureDepth = -1
  private var elementLine = 0
  /// Whether the bytes seen so far are a JSON document's (the first visible byte opened an object or an array).
  private(set) var started = false
  private(set) var malformed = false

  /// Reads one line of the document (its newline already removed).
  mutating func feed(_ line: UnsafeRawBufferPointer, number: Int, _ found: (UnsafeRawBufferPointer, Int) -> Void) {
    guard !malformed else { return }
    for c in line {
      if captureDepth >= 0 { element.append(c) }
      if inString {
        if escaped {
          escaped = false
        } else if c == 0x5c {
          escaped = true
        } else if c == 0x22 {
          inString = false
        }
        continue
      }
      switch c {
      case 0x22:
        inString = true
      case 0x7b, 0x5b:
        if !started { started = true }
        if captureDepth < 0, c == 0x7b, stack.last == 0x5b, stack.count <= 2 {
          captureDepth = stack.count
          elementLine = number
          element.removeAll(keepingCapacity: true)
          element.append(c)
        }
        stack.append(c)
      case 0x7d, 0x5d:
        guard !stack.isEmpty else {
          malformed = true
          return
        }
        stack.removeLast()
        if captureDepth >= 0, stack.count == captureDepth {
          captureDepth = -1
          element.withUnsafeBytes { found($0, elementLine) }
        }
      case 0x20, 0x09, 0x0d, 0x2c, 0x3a:
        break
      default:
        if !started, stack.isEmpty {
          malformed = true
          return
        }
      }
    }
    if captureDepth >= 0 { element.append(0x0a) }
  }

  /// Whether the document ended inside a record (it was cut short).
  var endedInsideRecord: Bool { captureDepth >= 0 }
}
