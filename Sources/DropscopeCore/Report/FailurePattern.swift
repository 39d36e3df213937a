/// Failed streams that failed the same way: same cause, side, surfacing, SDK and matched limit.
public struct FailurePattern: Sendable, Equatable {
  /// 1-based, largest pattern first.
  public var number: Int
  public var cause: Cause
  public var side: Side?
  /// How the application saw it, short: "raw `httpx2.ReadError`", "`anthropic.OverloadedError`", "HTTP 529".
  public var surfaced: String
  /// Whether the SDK let a raw transport exception escape (or, from a capture, would have).
  public var leaked: Bool
  public var sdk: String?
  /// The known limit or cap the silence or duration matches, when one does.
  public var limit: String?
  /// The streams, in the order they started.
  public var streams: [StreamVerdict]

  /// The stream that shows the pattern best: the most certain, then the one with the most evidence, then the first.
  public var exemplar: StreamVerdict {
    streams.max { a, b in
      if a.certainty != b.certainty { return a.certainty < b.certainty }
      if a.evidence.count != b.evidence.count { return a.evidence.count < b.evidence.count }
      return a.id > b.id
    }!
  }

  /// The earliest start and the latest end among the streams, ISO 8601.
  public var timeRange: (start: String, end: String)? {
    let starts = streams.compactMap { $0.startedAt }.sorted()
    let ends = streams.compactMap { $0.endedAt ?? $0.startedAt }.sorted()
    guard let first = starts.first, let last = ends.last else { return nil }
    return (first, max(first, last))
  }

  /// The threads or connections the streams ran on, in the order first seen.
  public var contexts: [String] {
    var seen = Set<String>()
    return streams.compactMap { $0.context }.filter { seen.insert($0).inserted }
  }

  /// The inputs the streams were read from, in the order first seen.
  public var inputs: [String] {
    var seen = Set<String>()
    return streams.map(\.input).filter { seen.insert($0).inserted }
  }

  /// Streams of the pattern the SDK retried.
  public var retried: Int { streams.filter { $0.findings.contains(.retriedBySDK) }.count }

  /// The fixes the streams refer to, most referred first.
  public var fixes: [FixID] {
    var count: [FixID: Int] = [:]
    var order: [FixID] = []
    for s in streams {
      for f in s.fixes {
        if count[f] == nil { order.append(f) }
        count[f, default: 0] += 1
      }
    }
    return order.enumerated().sorted { a, b in
      count[a.element]! != count[b.element]! ? count[a.element]! > count[b.element]! : a.offset < b.offset
    }.map(\.element)
  }

  /// "surfaced as raw `httpx2.ReadError`", or "with no exception in the log".
  public var howSurfaced: String {
    surfaced.hasPrefix("no exception") ? "with \(surfaced)" : "surfaced as \(surfaced)"
  }

  /// One line naming the pattern: "`idle_timeout` on the server side, raw `httpx2.ReadError`, anthropic ≥ 1.0".
  public var title: String {
    var parts = ["`\(cause.rawValue)`"]
    switch side {
    case .server?: parts.append("server side")
    case .client?: parts.append("client side")
    default: break
    }
    parts.append(howSurfaced)
    if let sdk { parts.append(sdk) }
    if let limit { parts.append("matches \(limit)") }
    return parts.joined(separator: ", ")
  }
}

/// A fix and the failed streams and patterns it addresses.
public struct RankedFix: Sendable, Equatable {
  public var fix: Fix
  /// Failed streams (not in flight) that name this fix.
  public var streams: Int
  /// Numbers of the patterns whose streams name it.
  public var patterns: [Int]
}

extension Report {
  /// Failed streams, not counting those in flight when their input ended.
  public var droppedStreams: [StreamVerdict] { streams.filter { $0.outcome == .failed && !$0.inFlightAtEnd } }

  /// Streams still open when their input ended.
  public var inFlightStreams: [StreamVerdict] { streams.filter { $0.outcome == .failed && $0.inFlightAtEnd } }

  /// Failed streams over all of the input, listed or not, not counting those in flight.
  public var droppedCount: Int { counts.failed - counts.inFlight }

  /// The dropped streams grouped into patterns, largest first (ties: the pattern that began first).
  public var patterns: [FailurePattern] {
    var groups: [String: Int] = [:]
    var result: [FailurePattern] = []
    for s in droppedStreams {
      let cause = s.cause ?? .unknown
      let surfaced = Self.surfaced(s)
      let leaked = s.findings.contains(.unwrappedExceptionLeak)
      let limit = Self.matchedLimit(s)
      let key = [cause.rawValue, s.side?.rawValue ?? "", surfaced, s.sdk ?? "", limit ?? ""].joined(separator: "\u{1}")
      if let index = groups[key] {
        result[index].streams.append(s)
      } else {
        groups[key] = result.count
        result.append(FailurePattern(number: 0, cause: cause, side: s.side, surfaced: surfaced, leaked: leaked,
                                     sdk: s.sdk, limit: limit, streams: [s]))
      }
    }
    let ordered = result.enumerated().sorted { a, b in
      a.element.streams.count != b.element.streams.count ? a.element.streams.count > b.element.streams.count : a.offset < b.offset
    }.map(\.element)
    return ordered.enumerated().map { index, pattern in
      var numbered = pattern
      numbered.number = index + 1
      return numbered
    }
  }

  /// The report's fixes ranked by the dropped streams that name them, with the patterns they address.
  public func rankedFixes(_ patterns: [FailurePattern]) -> [RankedFix] {
    var ranked: [RankedFix] = []
    for fix in fixes {
      let addressed = patterns.filter { $0.streams.contains { $0.fixes.contains(fix.id) } }
      let streams = addressed.reduce(0) { $0 + $1.streams.filter { $0.fixes.contains(fix.id) }.count }
      ranked.append(RankedFix(fix: fix, streams: streams, patterns: addressed.map(\.number)))
    }
    return ranked.enumerated().sorted { a, b in
      a.element.streams != b.element.streams ? a.element.streams > b.element.streams : a.offset < b.offset
    }.map(\.element)
  }

  /// How the application saw a stream's failure, short: the exception's name (raw when the SDK let it escape) or
  /// the status.
  static func surfaced(_ s: StreamVerdict) -> String {
    let leaked = s.findings.contains(.unwrappedExceptionLeak)
    if let name = s.surfacedType, !name.isEmpty {
      return leaked ? "raw `\(name)`" : "`\(name)`"
    }
    // Worded, but with no type: the input was cut inside the traceback.
    if s.surfacedAs != nil, s.surfacedType == nil { return "an exception the damaged input cut short" }
    if leaked { return "a raw transport exception (predicted from the SDK the request names)" }
    if let status = s.status, status != 200 { return "HTTP \(status)" }
    if s.onWire { return "a close on the wire (no application log)" }
    return s.views.isEmpty ? "no exception in the log" : "no exception in the log (closed on the wire)"
  }

  /// The name of the known limit or cap that a stream's silence or duration matches, when it carries the finding.
  static func matchedLimit(_ s: StreamVerdict) -> String? {
    guard s.findings.contains(.matchesKnownLimit) else { return nil }
    guard let limit = matchedKnownLimit(s) else { return "a known limit" }
    let kind = limit.kind == .idle ? "idle limit" : "total-duration cap"
    return "the \(TimeFormatting.limit(limit.seconds)) \(kind) (\(limit.components))"
  }

  /// The known idle limit the silence before the end matches, or the total-duration cap the duration matches,
  /// for a stream that carries the finding.
  static func matchedKnownLimit(_ s: StreamVerdict) -> Catalogue.KnownLimit? {
    guard s.findings.contains(.matchesKnownLimit) else { return nil }
    if let silence = s.silenceBeforeEnd, let limit = Catalogue.limits(matching: silence, kind: .idle, precision: 0.5).first {
      return limit
    }
    if let duration = s.duration, let cap = Catalogue.limits(matching: duration, kind: .total, precision: 0.5).first {
      return cap
    }
    return nil
  }
}
