/// Turns a report into text.
public protocol ReportRenderer {
  func render(_ report: Report) throws -> String
  /// Writes the report's text in pieces, in order, so that a report of many streams never has to be held as one
  /// text; the pieces joined are `render(report)`.
  func render(_ report: Report, into write: (String) throws -> Void) throws
}

extension ReportRenderer {
  /// One piece: the whole text.
  public func render(_ report: Report, into write: (String) throws -> Void) throws {
    try write(try render(report))
  }
}

/// The output formats dropscope writes.
public enum ReportFormat: String, CaseIterable, Sendable {
  case markdown
  case json
  case jira
  case html
  case trace

  /// The renderer for this format, at the level of detail asked for (JSON and trace always hold every stream),
  /// behind the redaction every output passes.
  public func renderer(detail: ReportDetail = .summary) -> any ReportRenderer {
    switch self {
    case .markdown: return RedactingRenderer(MarkdownRenderer(detail: detail))
    case .json: return RedactingRenderer(JSONRenderer())
    case .jira: return RedactingRenderer(JiraRenderer(detail: detail))
    case .html: return RedactingRenderer(HTMLRenderer())
    case .trace: return RedactingRenderer(TraceRenderer())
    }
  }

  /// The renderer at the default level of detail.
  public var renderer: any ReportRenderer { renderer() }
}
