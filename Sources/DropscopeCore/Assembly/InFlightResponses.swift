/// Responses that began (a `200` line), or were refused (a `529`), in a context that went on to start another call
/// before saying how the first one ended: an asyncio service, or any context that interleaves its calls, logs the
/// HTTP library's lines with no task of their own. They wait here for the application's word on how they ended, or
/// (a refusal) for the SDK's retry, bounded per context.
struct InFlightResponses {
  /// At most this many wait per context; beyond, the oldest is taken as ended without a word.
  static let mostPerContext = 64
  private var waiting: [Int: [StreamEvidence]] = [:]
  /// How many responses the interval of the last account taken held (its own included): more than one, and the log
  /// did not say which was its call's.
  private(set) var lastCandidates = 0

  /// Whether a stream is a response whose outcome nothing has shown yet: a `200` with no events, no exception,
  /// no account and no cancel.
  static func awaitsContent(_ stream: StreamEvidence) -> Bool {
    stream.head.status == 200 && hasNoStory(stream)
  }

  /// Whether a stream is a refusal (an error status) that nothing has followed yet: no retry, exception or account.
  static func isRefusal(_ stream: StreamEvidence) -> Bool {
    (stream.head.status ?? 0) >= 400 && stream.client.retry == nil && hasNoStory(stream)
  }

  /// Only a response awaiting its content or a refusal awaiting its retry can wait; anything more already has its
  /// own story.
  static func canWait(_ stream: StreamEvidence) -> Bool { awaitsContent(stream) || isRefusal(stream) }

  private static func hasNoStory(_ stream: StreamEvidence) -> Bool {
    stream.events.count == 0 && stream.client.exception == nil && stream.client.internalException == nil
      && stream.application.account == nil && stream.application.cancelled == nil && !stream.onWire && !stream.retired
  }

  /// Parks a response; returns the one that no longer fits, to be ended.
  mutating func park(_ stream: StreamEvidence, context: Int) -> StreamEvidence? {
    waiting[context, default: []].append(stream)
    guard waiting[context]!.count > Self.mostPerContext else { return nil }
    return waiting[context]!.removeFirst()
  }

  func isEmpty(context: Int) -> Bool { waiting[context]?.isEmpty ?? true }

  /// The response an account of `seconds` ending at `end` belongs to, among those waiting and `open` (when it may
  /// wait). Its call began at the start the duration implies, so its head came after that start (a head before it
  /// is another call's) and before `end`.
  ///
  /// When the account says the response began (it counted content events, or the call finished), the head is the
  /// earliest one after that start that no earlier account took. Accounts arrive in the order their calls ended,
  /// and giving each the earliest head its interval holds is the matching that leaves every later account a head
  /// whenever one exists (calls in flight at once are answered roughly in the order they began). When the response
  /// may never have begun (no content events), a head is taken only when it came clearly first: another call's head
  /// is as likely. Nil when no head qualifies: the line then stays with the context's latest response.
  /// - Parameters:
  ///   - slack: how early a head may seem to come, in microseconds: the duration's last digit and the log's
  ///     timestamp precision.
  ///   - api: the API the call went to, when its exception names the SDK: a response to another API is not its own.
  mutating func take(
    accountOf seconds: Double, endingAt end: Microseconds, slack: Microseconds, responseBegan: Bool,
    api: String? = nil, open: StreamEvidence?, context: Int
  ) -> StreamEvidence? {
    guard let parked = waiting[context], !parked.isEmpty else { return nil }
    let start = end - Microseconds(seconds * 1e6)
    var candidates = parked
    if let open, Self.canWait(open) { candidates.append(open) }
    if let api { candidates.removeAll { $0.request.url.flatMap(Catalogue.api(ofURL:)).map { $0 != api } ?? false } }
    // A call that counted content had a response that streamed: a refusal has no content.
    if responseBegan { candidates.removeAll { !Self.awaitsContent($0) } }
    let after = candidates.compactMap { stream in
      stream.head.at?.time.flatMap { $0 >= start - slack && $0 <= end ? (stream, max(0, $0 - start)) : nil }
    }
    let chosen: StreamEvidence?
    lastCandidates = after.count
    if responseBegan {
      chosen = after.min { $0.1 < $1.1 }?.0
    } else if let refusal = after.filter({ Self.isRefusal($0.0) }).max(by: { $0.1 < $1.1 }) {
      // A call that received nothing, with a refusal waiting in its time: the SDK gave up after its last refusal,
      // and the application says so next.
      chosen = refusal.0
    } else {
      // A response's first byte follows its call's start by the API's time to first byte: up to seconds.
      chosen = NearestInTime.clearly(after, within: 5_000_000, ratio: 2, margin: 20_000)
    }
    guard let chosen, chosen !== open else { return nil }
    waiting[context]?.removeAll { $0 === chosen }
    return chosen
  }

  /// The response that waited longest for its content, for a line that says a call finished without saying which.
  mutating func takeOldest(context: Int) -> StreamEvidence? {
    guard let index = waiting[context]?.firstIndex(where: Self.awaitsContent) else { return nil }
    return waiting[context]!.remove(at: index)
  }

  /// The latest refusal waiting, for the SDK's line that it will retry (the line names no response).
  mutating func takeRefusal(context: Int) -> StreamEvidence? {
    guard let index = waiting[context]?.lastIndex(where: Self.isRefusal) else { return nil }
    return waiting[context]!.remove(at: index)
  }

  /// Every waiting response, in the order they began, emptying the list.
  mutating func drain() -> [StreamEvidence] {
    let all = waiting.values.flatMap { $0 }.sorted { $0.sequence < $1.sequence }
    waiting = [:]
    return all
  }
}
