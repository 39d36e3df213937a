/// The one point every report passes on its way out: whatever a renderer wrote is redacted once more, so input names,
/// warnings and any text a reader forgot to redact cannot carry a secret into the output.
public struct RedactingRenderer: ReportRenderer {
  let inner: any ReportRenderer

  public init(_ inner: any ReportRenderer) {
    self.inner = inner
  }

  public func render(_ report: Report) throws -> String {
    Redactor.redact(try inner.render(report)).text
  }

  /// Each piece redacted on its own: a renderer's pieces are whole values (a stream's JSON object, the text around
  /// the streams), and no secret spans two of them.
  public func render(_ report: Report, into write: (String) throws -> Void) throws {
    try inner.render(report) { try write(Redactor.redact($0).text) }
  }
}
