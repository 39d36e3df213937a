/// Which log stream and which capture stream are one request.
///
/// A log rarely names what a capture shows (the request id, the URL) on every attempt: an application that logs
/// only its own lines, or an attempt the SDK retried before its response, leaves time as the only tie. Time alone is
/// as good as the log's own timestamps, so a pair is made only where the evidence leaves one candidate: the two views
/// must not contradict each other (ids, URLs, hosts, statuses, whether a response streamed) and their times must
/// agree within the log's precision; then a log stream with one candidate left, which is no other log stream's
/// candidate, is joined to it, and the next round sees the field narrowed by that pair.
extension VerdictCollector {
  /// How long after a log line written as the request went out the request may reach the wire: a connection (and
  /// TLS handshake) opened first, a busy event loop.
  static let sendLatency: Microseconds = 500_000
  /// How far the log's clock and the capture's may disagree, beyond the log's precision (one host: nothing; two
  /// hosts kept by NTP: milliseconds).
  static let clockSkew: Microseconds = 50_000

  /// Pairs each log stream with the capture stream of the same request.
  /// - Parameter precision: the precision, in microseconds, of an input's timestamps, by input name.
  /// - Returns: the joined pairs, as indices of the log stream and the capture stream.
  static func joinLogsAndCaptures(
    _ streams: [StreamVerdict], precision: (String) -> Microseconds
  ) -> [(log: Int, capture: Int)] {
    let wire = streams.indices.filter { streams[$0].onWire }
    guard !wire.isEmpty else { return [] }
    let times = streams.map(JoinTimes.init)
    var taken = Set<Int>()
    var joined: [(log: Int, capture: Int)] = []
    var open: [Int] = []
    // The same request id is the same request, if the two views overlap in time (the same id in two recordings far
    // apart is not one request).
    for l in streams.indices where !streams[l].onWire {
      let log = streams[l]
      if let id = log.requestID, let w = wire.first(where: { w in
        guard !taken.contains(w), streams[w].requestID == id, streams[w].input != log.input else { return false }
        guard let a = times[l].start, let b = times[w].start else { return true }
        let span = Microseconds(((log.duration ?? 0) + (streams[w].duration ?? 0) + 60) * 1e6)
        return abs(a - b) <= span
      }) {
        taken.insert(w)
        joined.append((l, w))
      } else {
        open.append(l)
      }
    }
    // Every other log stream: the capture streams its evidence allows.
    var candidates: [Int: [Int]] = [:]
    for l in open {
      let p = max(precision(streams[l].input), 1)
      let allowed = wire.filter { !taken.contains($0) && agree(streams[l], times[l], streams[$0], times[$0], precision: p) }
      // A capture stream that names the same URL (or server) is a better candidate than one that names none.
      let named = allowed.filter { sameAddress(streams[l], streams[$0]) }
      if !allowed.isEmpty { candidates[l] = named.isEmpty ? allowed : named }
    }
    pruneByOrder(&candidates, streams, times)
    // Rounds of elimination: a log stream with one candidate left takes it, unless another log stream has that same
    // one left too (then neither is known); the others lose it as a candidate.
    var progress = true
    while progress {
      progress = false
      var soleClaims: [Int: Int] = [:]
      for (_, list) in candidates {
        let left = list.filter { !taken.contains($0) }
        if left.count == 1 { soleClaims[left[0], default: 0] += 1 }
      }
      for l in candidates.keys.sorted() {
        let left = candidates[l]!.filter { !taken.contains($0) }
        guard left.count == 1, let w = left.first, soleClaims[w] == 1 else { continue }
        taken.insert(w)
        joined.append((l, w))
        candidates[l] = nil
        progress = true
      }
    }
    // Several candidates left: a request time clearly nearer one capture stream than any other, when no other log
    // stream's request time is as near that capture stream.
    func slack(_ l: Int) -> Microseconds { max(precision(streams[l].input), 1) + sendLatency }
    func distance(_ l: Int, _ w: Int) -> Microseconds? {
      guard streams[l].startMark == .requestSent || streams[l].startMark == .callStarted, let a = times[l].start, let b = times[w].start else { return nil }
      return abs(a - b)
    }
    for l in candidates.keys.sorted() {
      let near = candidates[l]!.filter { !taken.contains($0) }.compactMap { w in distance(l, w).map { (w, $0) } }
      guard let w = NearestInTime.clearly(near, within: slack(l), ratio: 4, margin: 50_000) else { continue }
      // A rival whose time cannot be measured against it (its start is not its request) could be it as well.
      let rivals = candidates.keys.filter { $0 != l && candidates[$0]!.contains(w) }
      let measured = rivals.compactMap { r in distance(r, w).map { (r, $0) } }
      guard measured.count == rivals.count,
        NearestInTime.clearly([(l, distance(l, w)!)] + measured, within: slack(l), ratio: 4, margin: 50_000) == l
      else { continue }
      taken.insert(w)
      joined.append((l, w))
    }
    return joined.sorted { $0.log < $1.log }
  }

  /// A context whose calls the log shows one after another (none began before the one before it had ended) sent
  /// their requests in that order: a candidate of an earlier call that began after every candidate of the next one
  /// is not it, nor a candidate of a later call that began before every candidate of the one before. A context
  /// whose calls overlap (an asyncio task loop) says nothing about order.
  static func pruneByOrder(_ candidates: inout [Int: [Int]], _ streams: [StreamVerdict], _ times: [JoinTimes]) {
    var contexts: [String: [Int]] = [:]
    for l in candidates.keys { contexts["\(streams[l].input)\u{0}\(streams[l].context ?? "")", default: []].append(l) }
    for (_, group) in contexts where group.count > 1 {
      let calls = group.sorted { (times[$0].start ?? .min, $0) < (times[$1].start ?? .min, $1) }
      let sequential = zip(calls, calls.dropFirst()).allSatisfy { a, b in
        guard let aEnd = times[a].end ?? times[a].start, let bStart = times[b].start else { return false }
        return aEnd <= bStart
      }
      guard sequential else { continue }
      var changed = true
      var rounds = 0
      while changed, rounds < calls.count {
        changed = false
        rounds += 1
        for (a, b) in zip(calls, calls.dropFirst()) {
          let aStarts = candidates[a]!.compactMap { times[$0].start }
          let bStarts = candidates[b]!.compactMap { times[$0].start }
          guard let latestB = bStarts.max(), let earliestA = aStarts.min() else { continue }
          let keptA = candidates[a]!.filter { (times[$0].start ?? .min) < latestB }
          let keptB = candidates[b]!.filter { (times[$0].start ?? .max) > earliestA }
          if keptA.count != candidates[a]!.count || keptB.count != candidates[b]!.count {
            changed = true
            // A call left with no candidate keeps none; its neighbour is not pruned by it again.
            candidates[a] = keptA
            candidates[b] = keptB
          }
        }
      }
    }
    candidates = candidates.filter { !$0.value.isEmpty }
  }

  /// When a stream began and when the input last spoke of it, as instants.
  struct JoinTimes {
    var start: Microseconds?
    var end: Microseconds?

    init(_ s: StreamVerdict) {
      start = s.startedAt.flatMap(TimestampParser.parse)
      end = s.endedAt.flatMap(TimestampParser.parse)
    }
  }

  /// Whether a log stream and a capture stream could be one request: nothing either shows contradicts the other,
  /// and their times agree within the log's `precision` (microseconds).
  static func agree(
    _ log: StreamVerdict, _ lt: JoinTimes, _ wire: StreamVerdict, _ wt: JoinTimes, precision p: Microseconds
  ) -> Bool {
    guard wire.input != log.input else { return false }
    if let a = log.requestID, let b = wire.requestID, a != b { return false }
    if log.url != nil, wire.url != nil, !sameAddress(log, wire) { return false }
    if let a = log.status, let b = wire.status, a != b { return false }
    let wireStreamed = (wire.status.map { (200..<300).contains($0) } ?? false) && wire.eventsReceived > 0
    // A response the application read events from, or saw complete, was not an error status.
    if log.eventsReceived > 0 || log.outcome == .completed, let status = wire.status, !(200..<300).contains(status) {
      return false
    }
    // The SDK retries before it hands over a stream: an attempt it retried with no event read did not stream.
    if log.findings.contains(.retriedBySDK), log.eventsReceived == 0, wireStreamed { return false }
    guard let ls = lt.start, let ws = wt.start else { return false }
    // A log's time is the moment it tells of cut to its precision (or rounded: half of it either way).
    switch log.startMark {
    case .requestSent, .callStarted:
      // The request left as the line was written, or soon after; a call's first request as the call began (an
      // application that works long before it sends is not joined by time).
      return ws >= ls - p / 2 - clockSkew && ws <= ls + p + sendLatency + clockSkew
    case .responseHead, .firstMention:
      // The request had left before the line was written.
      return ws <= ls + p + clockSkew
    }
  }

  /// Whether both streams name where the request went and agree: the same URL, or the same server when the capture
  /// shows only the server's name (a TLS session without its keys).
  static func sameAddress(_ log: StreamVerdict, _ wire: StreamVerdict) -> Bool {
    guard let a = log.url, let b = wire.url else { return false }
    return hasPath(b) ? a == b : hostOf(a) != nil && hostOf(a) == hostOf(b)
  }

  /// Whether a URL goes past its authority (`https://host/…`), as a request line's does and a server name's not.
  static func hasPath(_ url: String) -> Bool {
    guard let scheme = url.range(of: "://") else { return true }
    return url[scheme.upperBound...].contains("/")
  }

  /// `https://api.anthropic.com:443/v1/messages` → `api.anthropic.com`.
  static func hostOf(_ url: String) -> String? {
    guard let scheme = url.range(of: "://") else { return nil }
    let rest = url[scheme.upperBound...]
    let host = rest.prefix { $0 != "/" && $0 != ":" }
    return host.isEmpty ? nil : String(host)
  }
}
