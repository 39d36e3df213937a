/// Attempts the log shows only by the SDK's retry line (`Retrying request to /v1/messages in 0.43 seconds`), with
/// nothing else of them logged and no retry chain under way in their context, held per context until the call they
/// belong to says how it ended.
///
/// In a context that runs one call at a time they are the next call's earlier attempts, as they always were. Where
/// calls interleave (the context parked a response to begin another call, or a call's duration reaches back before
/// the end of another call it logged), the retry line names no call: a call that failed before any response, with an
/// error the SDK retries, had made every retry it was allowed (an SDK raises only when its retries are spent), and
/// those retries were logged between its start and its end. Calls end in the order their lines arrive, and each
/// takes the earliest held retries in its interval, in the order the lines number them: the matching that leaves
/// every later call its retries whenever they exist, as for responses and the accounts that name them.
/// Retries no call claims are handed on, each as a call of its own, when the input ends.
struct HeldRetries {
  /// At most this many wait per context, and this many in all (as many as the streams the assembler keeps open, each
  /// about as large); beyond, the oldest is handed on unclaimed.
  static let mostPerContext = 64
  static let mostInAll = Assembler.mostOpenStreams

  private struct Held {
    var attempt: StreamEvidence
    var retry: ScheduledRetry
  }

  private var held: [Int: [Held]] = [:]
  /// Every retry held, oldest first, as its context and sequence number; those claimed since are skipped when met.
  private var order: [(context: Int, sequence: Int)] = []
  private var orderHead = 0
  private var count = 0
  /// Contexts shown to run calls at once.
  private var interleaving = Set<Int>()
  /// Per context: when the latest call that gave its duration ended.
  private var lastCallEnd: [Int: Microseconds] = [:]

  func holds(context: Int) -> Bool { !(held[context]?.isEmpty ?? true) }

  /// Whether the context has been shown to run calls at once.
  func interleaves(context: Int) -> Bool { interleaving.contains(context) }

  /// Holds an attempt; returns the one that no longer fits, to be handed on.
  mutating func hold(_ attempt: StreamEvidence, _ retry: ScheduledRetry, context: Int) -> StreamEvidence? {
    // A retry numbered no later than one still held is another call's: two calls were retrying at once.
    if let ordinal = retry.ordinal, held[context]?.contains(where: { ($0.retry.ordinal ?? 0) >= ordinal }) == true {
      interleaving.insert(context)
    }
    held[context, default: []].append(Held(attempt: attempt, retry: retry))
    order.append((context, attempt.sequence))
    count += 1
    if held[context]!.count > Self.mostPerContext {
      count -= 1
      return held[context]!.removeFirst().attempt
    }
    return count > Self.mostInAll ? takeOldest() : nil
  }

  /// The retry held longest in any context, removed.
  private mutating func takeOldest() -> StreamEvidence? {
    while orderHead < order.count {
      let (context, sequence) = order[orderHead]
      orderHead += 1
      // Retries of a context are held in the order they came: one still held that came first of all is its first.
      guard let first = held[context]?.first, first.attempt.sequence == sequence else { continue }
      held[context]!.removeFirst()
      if held[context]!.isEmpty { held[context] = nil }
      count -= 1
      if orderHead > 4096, orderHead * 2 > order.count {
        order.removeFirst(orderHead)
        orderHead = 0
      }
      return first.attempt
    }
    return nil
  }

  /// The context parked a response to begin another call: its calls interleave.
  mutating func noteInterleaving(context: Int) { interleaving.insert(context) }

  /// A call of `seconds` ended at `end`: if it began before another call of the context ended, calls interleave.
  mutating func noteCall(endingAt end: Microseconds, seconds: Double, slack: Microseconds, context: Int) {
    let start = end - Microseconds(seconds * 1e6)
    if let last = lastCallEnd[context], start + slack < last { interleaving.insert(context) }
    lastCallEnd[context] = max(lastCallEnd[context] ?? end, end)
  }

  /// The held retries that were the earlier attempts of a call, in order, removed from the context.
  /// - Parameters:
  ///   - window: when the call began (less the log's precision) and when it ended, if its duration was logged.
  ///   - api: the API the call went to, when known: a retry line naming another API's path is not its own.
  ///   - gaveUp: whether the call failed before any response with an error the SDK retries, its retries spent.
  ///   - before: the call's stream: retries held after it began are not its earlier attempts.
  mutating func claim(
    context: Int, window: ClosedRange<Microseconds>?, api: String?, gaveUp: Bool, before stream: StreamEvidence
  ) -> [StreamEvidence] {
    guard let entries = held[context], !entries.isEmpty else { return [] }
    let interleaved = interleaving.contains(context)
    // Where calls interleave, only a call that spent its retries claims any, and only in its interval.
    if interleaved, !gaveUp || window == nil { return [] }
    let limit = interleaved ? entries.lazy.compactMap(\.retry.limit).first ?? Catalogue.sdkDefaultMaxRetries : Int.max
    var taken: [Int] = []
    for (index, entry) in entries.enumerated() where taken.count < limit {
      guard entry.attempt.sequence < stream.sequence else { break }
      if let window, let time = entry.attempt.client.retry?.time, !window.contains(time) { continue }
      if let api, let named = entry.retry.api, named != api { continue }
      if let ordinal = entry.retry.ordinal, ordinal != taken.count + 1 { continue }
      taken.append(index)
    }
    guard !taken.isEmpty else { return [] }
    let claimed = taken.map { entries[$0].attempt }
    if interleaved { for attempt in claimed { attempt.client.retryPairedByTime = true } }
    let kept = Set(taken)
    let rest = entries.indices.filter { !kept.contains($0) }.map { entries[$0] }
    held[context] = rest.isEmpty ? nil : rest
    count -= claimed.count
    return claimed
  }

  /// Every held retry, in the order they were logged, emptying the list.
  mutating func drain() -> [StreamEvidence] {
    let all = held.values.flatMap { $0.map(\.attempt) }.sorted { $0.sequence < $1.sequence }
    held = [:]
    order = []
    orderHead = 0
    count = 0
    lastCallEnd = [:]
    interleaving = []
    return all
  }
}
