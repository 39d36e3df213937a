/// Turns a report into text.
public protocol ReportRenderer {
  func render(_ report: Report) throws -> String
}

/// The output formats dropscope writes.
public enum ReportFormat: String, CaseIterable, Sendable {
  case markdown
  case json

  public var renderer: any ReportRenderer {
    switch self {
    case .markdown: return MarkdownRenderer()
    case .json: return JSONRenderer()
    }
  }
}
