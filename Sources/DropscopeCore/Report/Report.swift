/// The result of an analysis: a value that renderers turn into Markdown or JSON.
///
/// Its JSON form is versioned by `schemaVersion`; see README.md for the schema.
public struct Report: Sendable, Codable, Equatable {
  /// Identifies a dropscope report (and lets dropscope skip its own reports when given a folder).
  public var schema = "dropscope.report.v2"
  public var schemaVersion = 2
  public var tool: String
  public var inputs: [InputSummary]
  public var timeSpan: TimeSpan?
  public var counts: Counts
  /// Secrets (API keys, auth headers, cookies) found in the inputs; none of them appear in the report.
  public var secretsRedacted: Int
  /// What the failed streams cost: tokens billed for attempts that failed after the API accepted them.
  public var cost: Cost
  /// Every stream (HTTP attempt), in the order it started.
  public var streams: [StreamVerdict]
  /// The fixes that the streams refer to, by id.
  public var fixes: [Fix]
  /// Exceptions logged outside any stream, and other remarks on how the inputs were read.
  public var notes: [String]
  public var warnings: [AnalysisWarning]
  /// The focus the report was made with (`--since`, `--until`, `--request-id`, `--context`); nil without one, and
  /// then absent from the JSON.
  public var focus: Focus? = nil

  enum CodingKeys: String, CodingKey {
    case schema = "$schema"
    case schemaVersion, tool, inputs, timeSpan, counts, secretsRedacted, cost, streams, fixes, notes, warnings, focus
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(schema, forKey: .schema)
    try c.encode(schemaVersion, forKey: .schemaVersion)
    try c.encode(tool, forKey: .tool)
    try c.encode(inputs, forKey: .inputs)
    try c.encode(timeSpan, forKey: .timeSpan)
    try c.encode(counts, forKey: .counts)
    try c.encode(secretsRedacted, forKey: .secretsRedacted)
    try c.encode(cost, forKey: .cost)
    try c.encode(streams, forKey: .streams)
    try c.encode(fixes, forKey: .fixes)
    try c.encode(notes, forKey: .notes)
    try c.encode(warnings, forKey: .warnings)
    if let focus { try c.encode(focus, forKey: .focus) }
  }

  /// One input file and what was read of it.
  public struct InputSummary: Sendable, Codable, Equatable {
    public var name: String
    public var kind: InputKind
    /// Bytes in the file as stored (compressed, for gzip).
    public var bytes: Int64
    public var decodedBytes: Int64
    public var lines: Int
    /// Lines that were log records (had a timestamp or level prefix).
    public var logRecords: Int
    /// Lines that produced a fact or belonged to a traceback.
    public var linesUnderstood: Int
    public var streams: Int
    /// The coarsest precision of a log's timestamps, in microseconds (1,000,000 for times to the second); 0 for a
    /// capture or a log without times. Not in the JSON: it bounds how closely a log's times can place a request.
    var timePrecision: Int32 = 0

    private enum CodingKeys: String, CodingKey {
      case name, kind, bytes, decodedBytes, lines, logRecords, linesUnderstood, streams
    }
  }

  /// The first and last timestamps seen in the inputs.
  public struct TimeSpan: Sendable, Codable, Equatable {
    public var start: String
    public var end: String
    public var seconds: Double
  }

  /// What the drops cost. Each attempt the API accepted was billed for its input tokens (and the output
  /// generated before the drop); sending it again bills them again. Rejected attempts (429, 529) are not billed.
  public struct Cost: Sendable, Codable, Equatable {
    /// Failed streams the API had accepted (HTTP 200 or events seen).
    public var billedFailures = 0
    /// Of those, how many logged their input tokens (`message_start` usage).
    public var billedFailuresWithUsage = 0
    /// Input tokens billed for them, as far as logged.
    public var inputTokens = 0
    /// Output tokens reported before the drops, as far as logged (cumulative `message_delta` usage).
    public var outputTokens = 0
    /// Prices per million tokens, when given (`--price input=3,output=15`), and the amount they give.
    public var inputPricePerMillion: Double?
    public var outputPricePerMillion: Double?
    public var amount: Double?

    public func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(billedFailures, forKey: .billedFailures)
      try c.encode(billedFailuresWithUsage, forKey: .billedFailuresWithUsage)
      try c.encode(inputTokens, forKey: .inputTokens)
      try c.encode(outputTokens, forKey: .outputTokens)
      try c.encode(inputPricePerMillion, forKey: .inputPricePerMillion)
      try c.encode(outputPricePerMillion, forKey: .outputPricePerMillion)
      try c.encode(amount, forKey: .amount)
    }
  }

  /// How many streams, by outcome and cause.
  public struct Counts: Sendable, Codable, Equatable {
    public var streams = 0
    public var completed = 0
    public var failed = 0
    /// Failed streams by cause, every cause present (zero when none).
    public var byCause: [String: Int] = [:]
    /// Streams where the SDK let a raw transport exception escape.
    public var unwrappedExceptionLeaks = 0
    /// SDK calls (a call and its retries) and how many of them ended in failure.
    public var calls = 0
    public var callsFailed = 0
    /// Attempts the SDK retried.
    public var retries = 0
    /// Requests seen both in a log and in a capture: listed twice (once per view), counted once.
    public var seenInLogAndCapture = 0
    /// Streams counted but not listed, because the report lists at most a bounded number.
    public var unlistedStreams = 0
    /// Of the failed streams, those still open when their input ended (in flight, not dropped by anything seen).
    public var inFlight = 0
  }
}
