/// The application said it ended the stream itself (a cancel, an abort, a client that went away), and no error
/// ended it first.
struct ApplicationCancelRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    guard let cancel = c.stream.application.cancelled, c.stream.client.exception == nil else { return nil }
    var d = Decision()
    d.decide(.clientError, side: .client, .high, Catalogue.Summary.applicationCancelled(contentEvents: c.contentSeen),
             fixes: [.cancellation])
    d.cite(cancel, Catalogue.Note.applicationCancelled, in: c)
    return d
  }
}
