/// The API answered an error status (4xx or 5xx) before any stream began.
struct ErrorStatusRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    guard let status = c.stream.head.status, status >= 400 else { return nil }
    var d = Decision()
    d.decideErrorStatus(status, in: c)
    return d
  }
}

extension Decision {
  /// The verdict for an error status, from the status line or from the SDK's status error.
  mutating func decideErrorStatus(_ status: Int, in c: DiagnosisCase) {
    let stream = c.stream
    let retried = stream.end == .retried
    let retryNote = retried ? Catalogue.Summary.retried(after: stream.client.retryDelay) : ""
    if status >= 500 {
      decide(.serverError, side: .server, .high, Catalogue.Summary.serverErrorStatus(status, retried: retryNote),
             fixes: [.backoffOverloaded])
    } else if status == 429 {
      decide(.clientError, side: .client, .high, Catalogue.Summary.rateLimited(retried: retryNote), fixes: [.rateLimit])
    } else {
      decide(.clientError, side: .client, .high, Catalogue.Summary.requestRejected(status, retried: retryNote),
             fixes: [.fixRequest])
    }
    if retried {
      add(.retriedBySDK)
      cite(stream.client.retry, Catalogue.Note.retryScheduled, in: c)
    }
    if let chain = stream.client.exception, let final = chain.final {
      surfacedType = final.type
      surfacedAs = Catalogue.Surface.statusError(final.type)
      citeException(chain, note: Catalogue.Note.statusErrorReceived, in: c)
    }
  }
}
