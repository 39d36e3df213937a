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
}
