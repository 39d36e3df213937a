/// Turns a report into text.
public protocol ReportRenderer {
  func render(_ report: Report) throws -> String
}

/// The output formats dropscope writes.
public enum ReportFormat: String, CaseIterable, Sendable {
  case markdown
  case json

  /// The format's renderer, behind the redaction every output passes.
  public var renderer: any ReportRenderer {
    switch self {
    case .markdown: return RedactingRenderer(MarkdownRenderer())
    case .json: return RedactingRenderer(JSONRenderer())
    }
  }
}
