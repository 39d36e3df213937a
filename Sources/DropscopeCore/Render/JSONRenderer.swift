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
    var outline = report
    outline.streams = []
    let frame = String(decoding: try Self.encoder.encode(outline), as: UTF8.self)
    if report.streams.isEmpty {
      try write(frame + "\n")
      return
    }
    guard let hole = frame.range(of: Self.emptyStreams) else {
      // An encoder that writes an empty list otherwise: the whole report at once.
      try write(String(decoding: try Self.encoder.encode(report), as: UTF8.self) + "\n")
      return
    }
    try write(String(frame[..<hole.lowerBound]) + "\"streams\" : [\n")
    for (index, stream) in report.streams.enumerated() {
      let object = String(decoding: try Self.encoder.encode(stream), as: UTF8.self)
      // Two levels in: the report's object, then the streams' array (an empty list's blank line stays blank).
      let indented = object.split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
      try write(indented + (index + 1 < report.streams.count ? ",\n" : "\n"))
    }
    try write("  ]" + String(frame[hole.upperBound...]) + "\n")
  }

  /// How the encoder writes the report's empty list of streams.
  private static let emptyStreams = "\"streams\" : [\n\n  ]"

  private static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return encoder
  }
}
