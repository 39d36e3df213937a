/// The API reported the failure inside the stream (`response.failed`, an `error` event a capture shows), and the
/// application's exception, if any, is left to `ExceptionRule`.
struct InBandFailureRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    guard let failure = c.stream.body.inBandFailure, c.stream.client.exception == nil else { return nil }
    var d = Decision()
    d.decide(.serverError, side: .server, .high,
             Catalogue.Summary.inBandFailure(kind: Catalogue.Summary.inBandKind(text: c.stream.body.inBandText),
                                             contentEvents: c.stream.events.content),
             fixes: [.retryInBandError])
    d.cite(failure, Catalogue.Note.inBandFailure, in: c)
    return d
  }
}
