/// Which streams a report judges and lists: those in a span of time, of given request ids, in given contexts
/// (`--since`, `--until`, `--request-id`, `--context`). Every part given must hold; an empty focus takes every stream.
public struct ReportFocus: Sendable, Equatable {
  /// Streams whose time is at or after this instant (µs since the epoch, UTC).
  public var since: Microseconds?
  /// Streams whose time is at or before this instant.
  public var until: Microseconds?
  /// Streams with one of these request ids (exactly as the report shows them); empty: any.
  public var requestIDs: [String] = []
  /// Streams in one of these contexts (a thread, task, container, connection, as the report names it); empty: any.
  public var contexts: [String] = []

  public init() {}

  /// Whether any part of the focus is given.
  public var isActive: Bool { since != nil || until != nil || !requestIDs.isEmpty || !contexts.isEmpty }

  /// Whether the focus bounds time: then a stream without any time is left out.
  var boundsTime: Bool { since != nil || until != nil }

  /// Why a stream is left out.
  enum Exclusion: Equatable {
    case otherRequest, otherContext, noTime, outsideTime
  }

  /// The time a stream is placed at: its start, or its end when only that is known.
  static func time(of verdict: StreamVerdict) -> Microseconds? {
    (verdict.startedAt ?? verdict.endedAt).flatMap(TimestampParser.parse)
  }

  /// Why the focus leaves `verdict` out.
  /// - Returns: nil when the stream is in focus. A stream both in another context and without time is left out for
  ///   its context: "for having no time" counts only those the rest of the focus takes.
  func exclusion(of verdict: StreamVerdict) -> Exclusion? {
    if !requestIDs.isEmpty, !requestIDs.contains(where: { $0 == verdict.requestID }) { return .otherRequest }
    if !contexts.isEmpty, !contexts.contains(where: { $0 == verdict.context }) { return .otherContext }
    guard boundsTime else { return nil }
    guard let time = Self.time(of: verdict) else { return .noTime }
    if let since, time < since { return .outsideTime }
    if let until, time > until { return .outsideTime }
    return nil
  }

  /// An ISO 8601 time as `--since` and `--until` take it: `2026-11-22T15:52:48Z`, `2026-11-22 15:52:48.5+01:00`,
  /// `2026-11-22T15:52` (seconds 0) or `2026-11-22` (midnight). A time without a zone is in `unzonedOffsetMinutes`
  /// (minutes east of UTC; `--tz`).
  /// - Returns: the instant; nil when the text is not such a time.
  public static func parseTime(_ text: String, unzonedOffsetMinutes: Int = 0) -> Microseconds? {
    var bytes = Array(text.utf8)
    if bytes.count == 10 { bytes += Array("T00:00:00".utf8) }
    // No seconds (`…T15:52`, maybe with a zone after): insert them.
    if bytes.count >= 16, bytes[13] == UInt8(ascii: ":"), bytes.count == 16 || bytes[16] != UInt8(ascii: ":") {
      bytes.insert(contentsOf: Array(":00".utf8), at: 16)
    }
    var cache = TimestampParser.SecondCache()
    guard let stamp = bytes.withUnsafeBytes({ TimestampParser.parse($0, at: 0, cache: &cache) }), stamp.end == bytes.count
    else { return nil }
    return stamp.zoned ? stamp.time : stamp.time - Microseconds(unzonedOffsetMinutes) * 60_000_000
  }
}

extension Report {
  /// The focus a report was made with, and what it left out. Present in the JSON only when a focus was given.
  public struct Focus: Sendable, Codable, Equatable {
    /// The bounds of time (ISO 8601 UTC), the request ids and the contexts given; null or empty when not given.
    public var since: String?
    public var until: String?
    public var requestIDs: [String]
    public var contexts: [String]
    /// Streams found but left out by the focus: neither judged in the counts nor listed.
    public var leftOut: Int
    /// Of them, streams left out because they have no time while `since` or `until` is given.
    public var leftOutWithoutTime: Int

    enum CodingKeys: String, CodingKey {
      case since, until, contexts, leftOut, leftOutWithoutTime
      case requestIDs = "requestIds"
    }

    /// Writes every key, with `null` for what is absent.
    public func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(since, forKey: .since)
      try c.encode(until, forKey: .until)
      try c.encode(requestIDs, forKey: .requestIDs)
      try c.encode(contexts, forKey: .contexts)
      try c.encode(leftOut, forKey: .leftOut)
      try c.encode(leftOutWithoutTime, forKey: .leftOutWithoutTime)
    }

    /// What the focus takes, for the report's facts: `context \`worker_1\`, streams timed at or after …`.
    public var taken: String {
      var parts: [String] = []
      switch (since, until) {
      case let (since?, until?): parts.append("streams timed from \(since) to \(until)")
      case let (since?, nil): parts.append("streams timed at or after \(since)")
      case let (nil, until?): parts.append("streams timed at or before \(until)")
      case (nil, nil): break
      }
      func list(_ values: [String]) -> String { values.map { "`\($0)`" }.joined(separator: " or ") }
      if !requestIDs.isEmpty { parts.append("request id \(list(requestIDs))") }
      if !contexts.isEmpty { parts.append("context \(list(contexts))") }
      return parts.joined(separator: ", ")
    }

    /// How many streams the focus left out: `12 streams left out, 3 of them for having no time`.
    public var leftOutText: String {
      guard leftOut > 0 else { return "no stream left out" }
      var text = "\(leftOut) stream\(leftOut == 1 ? "" : "s") left out"
      if leftOutWithoutTime > 0 {
        text += ", \(leftOutWithoutTime == leftOut ? (leftOut == 1 ? "it" : "all") : "\(leftOutWithoutTime) of them") for having no time"
      }
      return text
    }

    /// The report's note on the focus: what it takes and how many streams it left out.
    var note: String {
      "Focus: \(taken). The counts and the streams listed are of the streams in focus; \(leftOutText)."
    }
  }
}
