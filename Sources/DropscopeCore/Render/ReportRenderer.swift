/// Turns a report into text.
public protocol ReportRenderer {
  func render(_ report: Report) throws -> String
}

/// The output formats dropscope writes.
public enum ReportFormat: String, CaseIterable, Sendable {
  case markdown
  case json
  case jira
  case html
  case trace

  /// The renderer for this format, at the level of detail asked for (JSON and trace always hold every stream).
  public func renderer(detail: ReportDetail = .summary) -> any ReportRenderer {
    switch self {
    case .markdown: return MarkdownRenderer(detail: detail)
    case .json: return JSONRenderer()
    case .jira: return JiraRenderer(detail: detail)
    case .html: return HTMLRenderer()
    case .trace: return TraceRenderer()
    }
  }

  /// The renderer at the default level of detail.
  public var renderer: any ReportRenderer { renderer() }
}
