/// How fast a stream's content was arriving, and so how long a silence must be to be a stall.
///
/// A silence is judged against the stream's own pace where its events were timed: ten gaps of a fast
/// stream are a stall, a few seconds of a slow one may not be. Without timed events the catalogue's
/// slowest ordinary pace stands in, and a decision taken on it says so.
struct StreamPace {
  /// Average seconds between the stream's events, or the catalogue's slowest ordinary gap.
  let secondsPerEvent: Double
  /// Whether `secondsPerEvent` was measured on this stream's own event times.
  let measured: Bool

  /// The pace assumed where nothing was timed: the catalogue's slowest ordinary gap.
  static let ordinary = StreamPace(secondsPerEvent: Catalogue.slowestOrdinaryEventGap, measured: false)

  init(secondsPerEvent: Double, measured: Bool) {
    self.secondsPerEvent = secondsPerEvent
    self.measured = measured
  }

  init(_ stream: StreamEvidence) {
    if stream.events.count >= 3, let first = stream.events.first?.time, let last = stream.events.last?.time, last > first {
      secondsPerEvent = max(Double(last - first) / 1e6 / Double(stream.events.count - 1), 0.001)
      measured = true
    } else {
      self = .ordinary
    }
  }

  /// The shortest silence, in seconds, that is no longer this stream's pacing, given timestamps of `precision`.
  /// A fast stream's own gaps are not held against it: ordinary pacing may slow to the catalogue's slowest gap.
  func stallThreshold(precision: Double) -> Double {
    Catalogue.stallFactor * max(secondsPerEvent, Catalogue.slowestOrdinaryEventGap) + precision
  }

  /// The time an application's account says its call spent reading the response: the account's duration, or, when
  /// the response's head and the account were both timed, the time between them if that is shorter (a call's
  /// duration also counts its wait for a connection and for the head, and no content comes before the head).
  static func readingSeconds(of account: ApplicationAccount, headAt: Microseconds?, accountAt: Microseconds?) -> Double? {
    guard let seconds = account.seconds else { return nil }
    guard let headAt, let accountAt, accountAt >= headAt else { return seconds }
    return min(seconds, Double(accountAt - headAt) / 1e6)
  }

  /// The silence before the end that an account's time reading implies: that time less the time its content
  /// events need at the slowest ordinary pace. A lower bound; nil without a duration or a count.
  static func silence(reading seconds: Double?, account: ApplicationAccount) -> Double? {
    guard let seconds, let contentEvents = account.contentEvents else { return nil }
    return seconds - Double(contentEvents) * ordinary.secondsPerEvent
  }
}
