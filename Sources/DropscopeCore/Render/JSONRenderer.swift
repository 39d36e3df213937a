import Foundation

/// Writes the report as JSON: snake_case keys, sorted, so the same input gives the same bytes.
public struct JSONRenderer: ReportRenderer {
  public init() {}

  public func render(_ report: Report) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    let data = try encoder.encode(report)
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
