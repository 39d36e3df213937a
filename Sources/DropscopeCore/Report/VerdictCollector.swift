/// Keeps the verdicts a report lists (bounded in number) and the counts over all of them.
final class VerdictCollector {
  private let options: AnalysisOptions
  private var listed: [StreamVerdict] = []
  private var listedCompleted = 0
  private var listedFailed = 0
  private var counts = Report.Counts()
  private var cost = Report.Cost()
  /// Calls whose last attempt has not been seen yet (a retry is pending), with their listed verdicts.
  private var openCalls: [Int: [Int]] = [:]
  private(set) var streamsPerInput: [Int: Int] = [:]
  /// Streams retired unread (`countRetired`).
  private var retired = 0
  /// Streams the focus left out, and of them those left out for having no time.
  private var leftOut = 0
  private var leftOutWithoutTime = 0
  /// Capture streams outside the focus, kept until the report is made: a log stream in focus may be the same request,
  /// and its verdict is then made from both views (the capture's joins it rather than being counted apart).
  private var heldForJoin: [(verdict: StreamVerdict, why: ReportFocus.Exclusion)] = []
  /// The most capture streams held for a join; beyond them, capture streams outside the focus are left out at once.
  static let mostHeldForJoin = 5_000

  init(options: AnalysisOptions) {
    self.options = options
    for cause in Cause.allCases { counts.byCause[cause.rawValue] = 0 }
  }

  /// Whether a completed stream would be listed; when not, `countCompletedUnlisted` is enough.
  /// With a focus, every stream needs its verdict, to be placed in or out of the focus.
  var listsMoreCompleted: Bool { options.focus.isActive || listedCompleted < options.maxListedCompletedStreams }

  /// Counts a completed stream without listing it (no verdict needs to be built).
  func countCompletedUnlisted(call: Int, attempt: Int, input: Int) {
    counts.streams += 1
    counts.completed += 1
    counts.unlistedStreams += 1
    streamsPerInput[input, default: 0] += 1
    endCall(call, attempts: attempt, failed: false)
  }

  /// Counts a stream retired unread while open (more were open at once than the assembler keeps): its verdict is
  /// unknown, so it is neither completed nor failed, and the report says how many there were.
  func countRetired(call: Int, attempt: Int, input: Int) {
    if options.focus.isActive {
      // Without a verdict, it cannot be placed in the focus.
      streamsPerInput[input, default: 0] += 1
      leftOut += 1
      if openCalls[call] != nil { endCall(call, attempts: attempt, failed: false) }
      return
    }
    counts.streams += 1
    counts.unlistedStreams += 1
    retired += 1
    streamsPerInput[input, default: 0] += 1
    endCall(call, attempts: attempt, failed: false)
  }

  /// Closes a call at its last attempt: counts it and tells its listed attempts how many there were.
  private func endCall(_ call: Int, attempts: Int, failed: Bool) {
    counts.calls += 1
    if failed { counts.callsFailed += 1 }
    for index in openCalls.removeValue(forKey: call) ?? [] { listed[index].attemptsInCall = attempts }
  }

  func add(_ verdict: StreamVerdict, input: Int) {
    streamsPerInput[input, default: 0] += 1
    if let why = options.focus.exclusion(of: verdict) { return leaveOut(verdict, why) }
    counts.streams += 1
    let retried = verdict.findings.contains(.retriedBySDK)
    if retried { counts.retries += 1 }
    defer {
      if retried {
        if openCalls[verdict.call] == nil { openCalls[verdict.call] = [] }
      } else {
        // This is the call's last attempt: the call failed if it failed.
        endCall(verdict.call, attempts: verdict.attempt, failed: verdict.outcome == .failed && !verdict.inFlightAtEnd)
      }
    }
    switch verdict.outcome {
    case .completed:
      counts.completed += 1
      guard listedCompleted < options.maxListedCompletedStreams else {
        counts.unlistedStreams += 1
        return
      }
      listedCompleted += 1
    case .failed:
      counts.failed += 1
      if verdict.billed {
        cost.billedFailures += 1
        if let input = verdict.inputTokens {
          cost.billedFailuresWithUsage += 1
          cost.inputTokens += input
        }
        cost.outputTokens += verdict.outputTokens ?? 0
      }
      counts.byCause[(verdict.cause ?? .unknown).rawValue, default: 0] += 1
      if verdict.inFlightAtEnd { counts.inFlight += 1 }
      if verdict.findings.contains(.unwrappedExceptionLeak) { counts.unwrappedExceptionLeaks += 1 }
      guard listedFailed < options.maxListedFailedStreams else {
        counts.unlistedStreams += 1
        return
      }
      listedFailed += 1
    }
    if retried || openCalls[verdict.call] != nil { openCalls[verdict.call, default: []].append(listed.count) }
    listed.append(verdict)
  }

  /// Leaves a stream out of the report, as the focus says: counted apart, or held for a join when it is a capture's.
  /// A call with an attempt in focus is still ended by its last attempt.
  private func leaveOut(_ verdict: StreamVerdict, _ why: ReportFocus.Exclusion) {
    if !verdict.findings.contains(.retriedBySDK), openCalls[verdict.call] != nil {
      endCall(verdict.call, attempts: verdict.attempt, failed: verdict.outcome == .failed && !verdict.inFlightAtEnd)
    }
    if verdict.onWire, heldForJoin.count < Self.mostHeldForJoin {
      heldForJoin.append((verdict, why))
    } else {
      countLeftOut(why)
    }
  }

  private func countLeftOut(_ why: ReportFocus.Exclusion) {
    leftOut += 1
    if why == .noTime { leftOutWithoutTime += 1 }
  }

  /// Adds (`sign` 1) or takes back (`sign` -1) what one stream counts: the stream, its outcome and cause, its
  /// leak finding and its billed tokens. Calls are counted apart.
  private func tally(_ verdict: StreamVerdict, _ sign: Int) {
    counts.streams += sign
    switch verdict.outcome {
    case .completed:
      counts.completed += sign
    case .failed:
      counts.failed += sign
      counts.byCause[(verdict.cause ?? .unknown).rawValue, default: 0] += sign
      if verdict.inFlightAtEnd { counts.inFlight += sign }
      if verdict.findings.contains(.unwrappedExceptionLeak) { counts.unwrappedExceptionLeaks += sign }
      if verdict.billed {
        cost.billedFailures += sign
        if let input = verdict.inputTokens {
          cost.billedFailuresWithUsage += sign
          cost.inputTokens += sign * input
        }
        cost.outputTokens += sign * (verdict.outputTokens ?? 0)
      }
    }
  }

  /// Counts a request seen in a log and a capture once, by its one verdict. The call is the log's: a connection
  /// counted as a call of one attempt is taken back, and the log's call failed or not by the joined verdict.
  /// A capture stream held outside the focus (`captureCounted` false) was counted neither as a stream nor as a call.
  private func countJoined(log: StreamVerdict, capture: StreamVerdict, as joined: StreamVerdict, captureCounted: Bool = true) {
    tally(log, -1)
    if captureCounted { tally(capture, -1) }
    tally(joined, 1)
    if captureCounted { counts.calls -= 1 }
    // A stream in flight when its input ended did not fail its call.
    func failedCall(_ s: StreamVerdict) -> Bool { s.outcome == .failed && !s.inFlightAtEnd }
    if captureCounted, failedCall(capture) { counts.callsFailed -= 1 }
    if !log.findings.contains(.retriedBySDK), failedCall(log) != failedCall(joined) {
      counts.callsFailed += failedCall(joined) ? 1 : -1
    }
  }

  func report(
    inputs: [Report.InputSummary], span: Report.TimeSpan?, secrets: Int, notes: [String], warnings: [AnalysisWarning]
  ) -> Report {
    // Calls still waiting for a retry when the input ended: their last attempt seen is their last.
    for call in openCalls.keys.sorted() {
      let attempts = openCalls[call]?.map { listed[$0].attempt }.max() ?? 1
      endCall(call, attempts: attempts, failed: true)
    }
    var streams = listed.sorted { $0.id < $1.id }
    var notes = notes
    if retired > 0 {
      notes.append("\(retired) stream\(retired == 1 ? " was" : "s were") retired unread while still open, because more than \(Assembler.mostOpenStreams) were open at once (threads, workers or connections that never ended): their verdict is unknown, and they are counted among the streams but neither as completed nor as failed. Analyze fewer files at once, or a shorter span of the log, to see them.")
    }
    notes += Self.noteSameElapsedCuts(&streams)
    // Capture streams outside the focus join log streams in it; those that join none stay out.
    let held = Dictionary(uniqueKeysWithValues: heldForJoin.map { ($0.verdict.id, $0.why) })
    if !held.isEmpty { streams = (streams + heldForJoin.map(\.verdict)).sorted { $0.id < $1.id } }
    let precision = Dictionary(inputs.map { ($0.name, Microseconds($0.timePrecision)) }, uniquingKeysWith: max)
    let pairs = Self.joinLogsAndCaptures(streams) { precision[$0] ?? 0 }
    for (log, capture) in pairs {
      let joined = StreamVerdict.joined(log: streams[log], capture: streams[capture])
      countJoined(log: streams[log], capture: streams[capture], as: joined, captureCounted: held[streams[capture].id] == nil)
      counts.seenInLogAndCapture += 1
      streams[log] = joined
    }
    let absorbed = Set(pairs.map(\.capture))
    streams = streams.indices.filter { index in
      guard !absorbed.contains(index) else { return false }
      guard let why = held[streams[index].id] else { return true }
      countLeftOut(why)
      return false
    }.map { streams[$0] }
    if !pairs.isEmpty {
      let n = pairs.count
      notes.append("\(n) request\(n == 1 ? " was" : "s were") seen both in a log and in a capture; each is listed once, with one verdict from both views and each view's own reading under it.")
    }
    let result = counts
    var cost = self.cost
    if let price = options.pricePerMillion {
      cost.inputPricePerMillion = price.input
      cost.outputPricePerMillion = price.output
      cost.amount = (Double(cost.inputTokens) * price.input + Double(cost.outputTokens) * price.output) / 1e6
    }
    let used = Set(streams.flatMap(\.fixes))
    let fixes = used.sorted().compactMap { Catalogue.fixes[$0] }
    var focus: Report.Focus?
    if options.focus.isActive {
      let given = options.focus
      focus = Report.Focus(since: given.since.map(TimeFormatting.iso), until: given.until.map(TimeFormatting.iso),
                           requestIDs: given.requestIDs, contexts: given.contexts, leftOut: leftOut,
                           leftOutWithoutTime: leftOutWithoutTime)
      notes.insert(focus!.note, at: 0)
    }
    return Report(tool: "dropscope \(DropscopeVersion.current)", inputs: inputs, timeSpan: span, counts: result,
                  secretsRedacted: secrets, cost: cost, streams: streams, fixes: fixes, notes: notes, warnings: warnings,
                  focus: focus)
  }
}

extension VerdictCollector {
  /// Finds streams cut by the server side at the same elapsed time: three or more, at least 5 s long, within
  /// 3% (or half a second) of one another point at a cap on total response time, not at chance.
  static func noteSameElapsedCuts(_ streams: inout [StreamVerdict]) -> [String] {
    // Caps on total response time are 15 s and more; short streams ending close together say nothing.
    let cut = streams.indices.filter {
      streams[$0].outcome == .failed && streams[$0].cause == .serverCloseDuringDelta && (streams[$0].duration ?? 0) >= 5
    }.sorted { streams[$0].duration! < streams[$1].duration! }
    var notes: [String] = []
    var start = 0
    while start < cut.count {
      let first = streams[cut[start]].duration!
      var end = start
      while end + 1 < cut.count, streams[cut[end + 1]].duration! - first <= max(0.5, first * 0.03) { end += 1 }
      if end - start + 1 >= 3 {
        let group = Array(cut[start...end])
        let last = streams[group.last!].duration!
        let middle = (first + last) / 2
        let cap = Catalogue.limits(matching: middle, kind: .total, precision: 0.5).first
        let span = first == last ? TimeFormatting.seconds(first) : "\(TimeFormatting.seconds(first))–\(TimeFormatting.seconds(last))"
        var text = "\(group.count) streams were cut by the server side \(span) after they began (streams \(group.map { String(streams[$0].id) }.joined(separator: ", "))): a cap on total response time, not chance"
        if let cap { text += "; it matches the \(TimeFormatting.limit(cap.seconds)) \(cap.components)" }
        notes.append(text + ".")
        for index in group {
          if !streams[index].findings.contains(.matchesKnownLimit), cap != nil { streams[index].findings.append(.matchesKnownLimit) }
          streams[index].evidence.append(Evidence(location: nil, time: nil, quote: nil,
            note: "\(group.count) streams in this report were cut at the same elapsed time (\(span)): a total-duration cap on the path"))
        }
        start = end + 1
      } else {
        start += 1
      }
    }
    return notes
  }
}

/// The version of dropscope, as reports name it.
public enum DropscopeVersion {
  public static let current = "0.1.0"
}
