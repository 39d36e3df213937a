import Foundation

/// How much of each stream a report shows.
public enum ReportDetail: String, Sendable, CaseIterable {
  /// Patterns with one exemplar each, sized to a ticket.
  case summary
  /// Patterns, then one section per stream.
  case full
}

/// Wording the text renderers share: durations, references, the verdict paragraph's facts.
enum ReportText {
  /// The first rendering that fits `budget` characters, trying `steps` from the roomiest to the tightest; when
  /// none fits, the tightest cut to the budget with `cutNote` after it.
  static func fitting<Step>(_ steps: [Step], budget: Int, cutNote: String, _ render: (Step) -> String) -> String {
    var tightest = ""
    for step in steps {
      tightest = render(step)
      if tightest.count <= budget { return tightest }
    }
    return String(tightest.prefix(budget - 200)) + cutNote
  }

  /// A duration as people read it: `0.42 s`, `61.0 s`, `4 min 12 s`, `2 h 44 min`, `9 days 2 h`.
  static func duration(_ seconds: Double) -> String { TimeFormatting.seconds(seconds) }

  /// `1,234,567`.
  static func grouped(_ value: Int) -> String {
    let digits = Array(String(abs(value)))
    var out = value < 0 ? "-" : ""
    for (i, d) in digits.enumerated() {
      if i > 0, (digits.count - i) % 3 == 0 { out += "," }
      out.append(d)
    }
    return out
  }

  /// `3 streams`, `1 stream`.
  static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    "\(grouped(n)) \(n == 1 ? noun : plural ?? noun + "s")"
  }

  /// Upstream references as full URLs, and no mention of documents the reader cannot see: `owner/repo#12` becomes
  /// `https://github.com/owner/repo/issues/12`; a bare `#12` takes the first repository the text names (GitHub
  /// redirects an issue URL to the pull request of that number); citations of dropscope's own notes are dropped.
  static func linkingReferences(_ text: String) -> String {
    guard text.contains("#") || text.contains(".md") else { return text }
    var s = text
    // dropscope's own research notes, which the reader of a report does not have.
    let own = "(?:signatures|protocol-facts|design)\\.md(?:\\s+§?[0-9a-z.]+)?"
    for pattern in [#"\s*\("# + own + #"\)"#, #"[;,]\s*"# + own, own + #"[;,]\s*"#] {
      s = replace(pattern, in: s) { _ in "" }
    }
    let qualified = #"(?<![\w/.:-])([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(\d+)"#
    let firstRepo = firstMatch(qualified, in: s)
    s = replace(qualified, in: s) { groups in "https://github.com/\(groups[1])/issues/\(groups[2])" }
    s = replace(#"(?<=\d)/#(\d+)\b"#, in: s) { groups in ", #\(groups[1])" }
    s = replace(#"(?<![\w/&#])#(\d+)\b"#, in: s) { groups in
      firstRepo.map { "https://github.com/\($0)/issues/\(groups[1])" } ?? "issue \(groups[1])"
    }
    return s
  }

  /// Whole sentences of `text` up to about `limit` characters (at least the first), with an ellipsis when cut.
  static func sentences(_ text: String, _ limit: Int) -> String {
    guard text.count > limit else { return text }
    var out = ""
    for part in text.split(separator: ". ", omittingEmptySubsequences: false) {
      let next = out.isEmpty ? String(part) : out + ". " + part
      if !out.isEmpty, next.count > limit { return out + ". …" }
      out = next
    }
    return out
  }

  /// A quote cut to `limit` characters, with an ellipsis when cut.
  static func clipped(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
  }

  /// The language of a fix's code, for a fenced block.
  static func language(ofCode code: String) -> String {
    if code.contains("const ") || code.contains("async function") { return "typescript" }
    if code.hasPrefix("tcpdump") || code.hasPrefix("curl ") { return "sh" }
    if code.contains("import ") || code.contains("client") || code.contains("except") { return "python" }
    return ""
  }

  /// Whether any stream was read from an application log with an SDK, so that SDK wording (calls, retries) applies.
  static func hasSDKInput(_ report: Report) -> Bool {
    report.counts.retries > 0 || report.streams.contains { !$0.onWire && ($0.sdk != nil || $0.findings.contains(.retriedBySDK)) }
  }

  /// What the drops cost, in one clause.
  static func cost(_ cost: Report.Cost, bold: (String) -> String) -> String {
    guard cost.billedFailures > 0 else { return "nothing billed: no stream failed after the API accepted it" }
    var text = "\(count(cost.billedFailures, "failed stream")) \(cost.billedFailures == 1 ? "was" : "were") accepted and billed"
    if cost.billedFailuresWithUsage > 0 {
      text += ": \(grouped(cost.inputTokens)) input tokens (usage logged for \(cost.billedFailuresWithUsage) of \(cost.billedFailures))"
      if cost.outputTokens > 0 { text += " and \(grouped(cost.outputTokens)) output tokens" }
      text += ", billed again by each retry"
      if let amount = cost.amount, let input = cost.inputPricePerMillion, let output = cost.outputPricePerMillion {
        text += "; at $\(price(input))/$\(price(output)) per million input/output tokens: \(bold("$" + money(amount)))"
      }
    } else {
      text += "; the log shows no token usage (log `message_start` usage to measure it)"
    }
    return text
  }

  /// The verdict in a few sentences, in plain text with `code` spans; `bold` marks the key figures.
  static func verdict(_ report: Report, patterns: [FailurePattern], fixes: [RankedFix], bold: (String) -> String) -> String {
    let c = report.counts
    let dropped = report.droppedCount
    if c.streams == 0 {
      let lines = report.inputs.reduce(0) { $0 + $1.lines }
      let understood = report.inputs.reduce(0) { $0 + $1.linesUnderstood }
      let warnings = report.warnings.isEmpty ? "" : " The warnings below say what each input looked like."
      return "\(bold("No stream was found")) in \(count(report.inputs.count, "input")) (\(count(lines, "line")) read, \(grouped(understood)) understood), so nothing here is judged: this is not an all-clear. dropscope reads the logs of applications that call the Anthropic or OpenAI API, packet captures, curl traces and HAR exports.\(warnings)"
    }
    var text: String
    if dropped == 0 {
      text = "\(bold("No stream failed")): \(count(c.completed, "stream")) of \(grouped(c.streams)) completed."
    } else {
      text = "\(bold("\(grouped(dropped)) of \(count(c.streams, "stream")) failed"))"
      if let span = report.timeSpan { text += " over \(duration(span.seconds))" }
      text += "."
    }
    if c.inFlight > 0 {
      text += " \(count(c.inFlight, "stream was", plural: "streams were")) still in flight when the input ends (not counted as failed)."
    }
    let silent = report.inputs.filter { $0.streams == 0 }.count
    if silent > 0 { text += " \(count(silent, "input gave", plural: "inputs gave")) no stream (see the warnings)." }
    let byCause = Cause.allCases.map { cause in (cause, droppedByCause(report, cause)) }.filter { $0.1 > 0 }
      .enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }.map(\.element)
    if byCause.count > 1 {
      text += " By cause: \(byCause.map { "\($0.0.rawValue.codeSpan) \(grouped($0.1))" }.joined(separator: ", "))."
    } else if let only = byCause.first, patterns.count > 1 {
      text += " All are \(only.0.rawValue.codeSpan)."
    }
    let tied = patterns.prefix { $0.streams.count == patterns.first?.streams.count }
    if tied.count > 1, let top = tied.first {
      let names = tied.prefix(3).map { p in
        "\(p.cause.rawValue.codeSpan)\(p.side.map { " (\($0.rawValue) side)" } ?? "") \(p.howSurfaced)"
      }
      let rest = tied.count > 3 ? "; and \(tied.count - 3) more" : ""
      if top.streams.count == 1 {
        text += " Each failed its own way: \(names.joined(separator: "; "))\(rest)."
      } else {
        text += " No one pattern dominates: the largest (\(top.streams.count) streams each) are \(names.joined(separator: "; "))\(rest)."
      }
      if patterns.count > tied.count {
        text += " \(count(patterns.count - tied.count, "smaller pattern follows", plural: "smaller patterns follow"))."
      }
    } else if let top = patterns.first {
      let share = top.streams.count == dropped ? "all of them" : "\(top.streams.count) of \(dropped)"
      text += " The \(top.streams.count * 2 > dropped ? "dominant" : "largest") pattern (\(share)) is \(top.cause.rawValue.codeSpan)"
      switch top.side {
      case .server?: text += " on the server side (the API or a proxy in front of it)"
      case .client?: text += " on the client side"
      default: text += ", side unknown"
      }
      text += ", \(top.howSurfaced)"
      if let sdk = top.sdk { text += " with \(sdk)" }
      if let limit = top.limit { text += "; it matches \(limit)" }
      text += "."
      if patterns.count > 1 {
        let rest = patterns.dropFirst().prefix(2).map { p in
          "\(p.streams.count) \(p.cause.rawValue.codeSpan)\(p.side.map { " (\($0.rawValue) side)" } ?? "") \(p.howSurfaced)"
        }
        text += " Next: \(rest.joined(separator: "; "))\(patterns.count > 3 ? "; and \(count(patterns.count - 3, "smaller pattern"))" : "")."
      }
    }
    if c.unwrappedExceptionLeaks > 0 {
      let n = c.unwrappedExceptionLeaks
      text += " \(bold("\(count(n, "failure")) reached the application as \(n == 1 ? "a raw transport exception" : "raw transport exceptions")")) the SDK did not wrap, so `except …APIError` and the SDK's retries never saw \(n == 1 ? "it" : "them")."
    }
    if dropped > 0 { text += " Cost: \(cost(report.cost, bold: bold))." }
    if let first = fixes.first, first.streams > 0 {
      text += " First fix: \(bold(first.fix.title)) (\(count(first.streams, "stream")), pattern\(first.patterns.count == 1 ? "" : "s") \(first.patterns.map(String.init).joined(separator: ", ")))."
    }
    return text
  }

  /// Failed streams of a cause, not counting those in flight (they are `unknown`).
  private static func droppedByCause(_ report: Report, _ cause: Cause) -> Int {
    let n = report.counts.byCause[cause.rawValue] ?? 0
    return cause == .unknown ? max(0, n - report.counts.inFlight) : n
  }

  private static func price(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
  }

  private static func money(_ value: Double) -> String {
    String((value * 10_000).rounded() / 10_000)
  }

  /// The references' few patterns, compiled once.
  private static let patterns = RegexCache()

  private static func compiled(_ pattern: String) -> NSRegularExpression? { patterns.regex(pattern) }

  private static func firstMatch(_ pattern: String, in text: String) -> String? {
    guard let regex = compiled(pattern),
      let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
      let range = Range(match.range(at: 1), in: text)
    else { return nil }
    return String(text[range])
  }

  private static func replace(_ pattern: String, in text: String, with make: ([String]) -> String) -> String {
    guard let regex = compiled(pattern) else { return text }
    var result = ""
    var last = text.startIndex
    for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
      guard let whole = Range(match.range, in: text) else { continue }
      let groups = (0..<match.numberOfRanges).map { i in Range(match.range(at: i), in: text).map { String(text[$0]) } ?? "" }
      result += text[last..<whole.lowerBound]
      result += make(groups)
      last = whole.upperBound
    }
    return result + text[last...]
  }
}

extension String {
  /// The text as a Markdown code span.
  var codeSpan: String { "`\(self)`" }
}

/// Compiled patterns by their source, behind a lock.
private final class RegexCache: @unchecked Sendable {
  private let lock = NSLock()
  private var cache: [String: NSRegularExpression] = [:]

  /// The compiled pattern, or nil when it does not compile.
  func regex(_ pattern: String) -> NSRegularExpression? {
    lock.lock()
    defer { lock.unlock() }
    if let regex = cache[pattern] { return regex }
    let regex = try? NSRegularExpression(pattern: pattern)
    cache[pattern] = regex
    return regex
  }
}
