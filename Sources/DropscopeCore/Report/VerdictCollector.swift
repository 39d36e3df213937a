/// Keeps the verdicts a report lists (bounded in number) and the counts over all of them.
final class VerdictCollector {
  private let options: AnalysisOptions
  private var listed: [StreamVerdict] = []
  private var listedCompleted = 0
  private var listedFailed = 0
  private var counts = Report.Counts()
  private var callFailed: [Int: Bool] = [:]
  private var attemptsPerCall: [Int: Int] = [:]
  private(set) var streamsPerInput: [Int: Int] = [:]

  init(options: AnalysisOptions) {
    self.options = options
    for cause in Cause.allCases { counts.byCause[cause.rawValue] = 0 }
  }

  /// Whether a completed stream would be listed; when not, `countCompletedUnlisted` is enough.
  var listsMoreCompleted: Bool { listedCompleted < options.maxListedCompletedStreams }

  /// Counts a completed stream without listing it (no verdict needs to be built).
  func countCompletedUnlisted(call: Int, attempt: Int, input: Int) {
    counts.streams += 1
    counts.completed += 1
    counts.unlistedStreams += 1
    streamsPerInput[input, default: 0] += 1
    attemptsPerCall[call] = max(attemptsPerCall[call] ?? 0, attempt)
    callFailed[call] = false
  }

  func add(_ verdict: StreamVerdict, input: Int) {
    counts.streams += 1
    streamsPerInput[input, default: 0] += 1
    attemptsPerCall[verdict.call] = max(attemptsPerCall[verdict.call] ?? 0, verdict.attempt)
    // A call failed if its last attempt failed.
    callFailed[verdict.call] = verdict.outcome == .failed
    if verdict.findings.contains(.retriedBySDK) { counts.retries += 1 }
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
      counts.byCause[(verdict.cause ?? .unknown).rawValue, default: 0] += 1
      if verdict.findings.contains(.unwrappedExceptionLeak) { counts.unwrappedExceptionLeaks += 1 }
      guard listedFailed < options.maxListedFailedStreams else {
        counts.unlistedStreams += 1
        return
      }
      listedFailed += 1
    }
    listed.append(verdict)
  }

  func report(
    inputs: [Report.InputSummary], span: Report.TimeSpan?, secrets: Int, notes: [String], warnings: [AnalysisWarning]
  ) -> Report {
    var streams = listed.sorted { $0.id < $1.id }
    for i in streams.indices { streams[i].attemptsInCall = attemptsPerCall[streams[i].call] ?? streams[i].attempt }
    var result = counts
    result.calls = callFailed.count
    result.callsFailed = callFailed.values.filter { $0 }.count
    let used = Set(streams.flatMap(\.fixes))
    let fixes = used.sorted().compactMap { Catalogue.fixes[$0] }
    return Report(tool: "dropscope \(DropscopeVersion.current)", inputs: inputs, timeSpan: span, counts: result,
                  secretsRedacted: secrets, streams: streams, fixes: fixes, notes: notes, warnings: warnings)
  }
}

/// The version of dropscope, as reports name it.
public enum DropscopeVersion {
  public static let current = "0.1.0"
}
