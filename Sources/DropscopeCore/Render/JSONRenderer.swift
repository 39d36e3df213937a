import Foundation

/// Writes the report as JSON: snake_case keys, sorted, so the same input gives the same bytes.
public struct JSONRenderer: ReportRenderer {
  public init() {}

  public func render(_ report: Report) throws -> String {
    var text = ""
    try render(report) { text += $0 }
    return text
  }

  /// The report with its streams left out, then each stream on its own, spliced where the streams go: the same
  /// bytes as encoding the whole report at once, without ever holding all of it as text.
  public func render(_ report: Report, into write: (String) throws -> Void) throws {
    let encoder = Self.encoder
    var outline = report
    outline.streams = []
    let frame = String(decoding: try encoder.encode(outline), as: UTF8.self)
    if report.streams.isEmpty {
      try write(frame + "\n")
      return
    }
    guard let hole = frame.range(of: Self.emptyStreams) else {
      // An encoder that writes an empty list otherwise: the whole report at once.
      try write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
      return
    }
    try write(String(frame[..<hole.lowerBound]) + "\"streams\" : [\n")
    var indented: [UInt8] = []
    for (index, stream) in report.streams.enumerated() {
      let object = try encoder.encode(stream)
      // Two levels in: the report's object, then the streams' array (an empty list's blank line stays blank).
      indented.removeAll(keepingCapacity: true)
      indented.reserveCapacity(object.count + object.count / 4 + 2)
      var lineStart = true
      for byte in object {
        if lineStart, byte != 0x0A { indented.append(contentsOf: Self.indent) }
        indented.append(byte)
        lineStart = byte == 0x0A
      }
      indented.append(contentsOf: index + 1 < report.streams.count ? Self.commaNewline : Self.newline)
      try write(String(decoding: indented, as: UTF8.self))
    }
    try write("  ]" + String(frame[hole.upperBound...]) + "\n")
  }

  private static let indent: [UInt8] = Array("    ".utf8)
  private static let commaNewline: [UInt8] = Array(",\n".utf8)
  private static let newline: [UInt8] = [0x0A]

  /// How the encoder writes the report's empty list of streams.
  private static let emptyStreams = "\"streams\" : [\n\n  ]"

  private static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return encoder
  }
}
