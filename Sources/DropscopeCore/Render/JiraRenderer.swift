/// Writes the report as Jira wiki markup, within a Jira field's 32,767 characters: verdict, patterns, ranked fixes.
public struct JiraRenderer: ReportRenderer {
  public var detail: ReportDetail
  /// The most characters the report may take.
  public var budget: Int

  public init(detail: ReportDetail = .summary, budget: Int = 32_000) {
    self.detail = detail
    self.budget = budget
  }

  public func render(_ report: Report) throws -> String {
    let patterns = report.patterns
    let fixes = report.rankedFixes(patterns)
    guard detail == .summary else { return render(report, patterns, fixes, .roomy) }
    return ReportText.fitting(Tightness.steps, budget: budget,
                              cutNote: "\n\n… (cut to fit a Jira field; the JSON report has everything)\n") {
      render(report, patterns, fixes, $0)
    }
  }

  /// How many rows and characters the parts of the report around the patterns may take.
  private struct Tightness {
    var tableRows: Int
    var listed: Int
    var clip: Int
    var code: Bool

    static let roomy = Tightness(tableRows: .max, listed: .max, clip: .max, code: true)
    static let steps = [Tightness(tableRows: 40, listed: 10, clip: 500, code: true), Tightness(tableRows: 20, listed: 3, clip: 250, code: true),
                        Tightness(tableRows: 10, listed: 1, clip: 150, code: false), Tightness(tableRows: 3, listed: 0, clip: 100, code: false)]
  }

  private func render(_ report: Report, _ patterns: [FailurePattern], _ fixes: [RankedFix], _ tight: Tightness) -> String {
    var head = ""
    head += "h1. dropscope report\n\n"
    head += Self.inline(ReportText.linkingReferences(ReportText.verdict(report, patterns: patterns, fixes: fixes) { "\u{2}\($0)\u{3}" })) + "\n\n"
    head += facts(report)
    var tail = ""
    tail += inFlight(report)
    tail += fixSection(fixes, tight)
    tail += notesAndWarnings(report, tight)
    tail += "\n\(Self.escape(report.tool)) · report schema \(Self.escape(report.schema))\n"
    var body = ""
    if !patterns.isEmpty {
      body += "h2. Failure patterns\n\n"
      body += "||#||Streams||Where||Cause||Side||Surfaced as||SDK||When||\n"
      for p in patterns.prefix(tight.tableRows) {
        body += "|\(p.number)|\(p.streams.count)|\(Self.inline(whereText(p, 2)))|{{\(Self.escape(p.cause.rawValue))}}|\(p.side?.rawValue ?? "-")|\(Self.inline(p.surfaced))|\(Self.inline(p.sdk ?? "-"))|\(Self.escape(when(p)))|\n"
      }
      if patterns.count > tight.tableRows {
        let rest = patterns.dropFirst(tight.tableRows)
        body += "|…|\(rest.reduce(0) { $0 + $1.streams.count })|\(rest.count) smaller patterns, in the JSON report| | | | | |\n"
      }
      body += "\n"
      let room = detail == .full ? Int.max : max(0, budget - head.count - tail.count - body.count - 300)
      var used = 0
      var skipped: [Int] = []
      for p in patterns {
        let section = patternDetail(p)
        let size = section.count
        if used + size > room || (detail == .summary && p.number > MarkdownRenderer.mostPatternSections) {
          skipped.append(p.number)
          continue
        }
        used += size
        body += section
      }
      if !skipped.isEmpty {
        let names = skipped.count <= 30 ? "Patterns \(skipped.map(String.init).joined(separator: ", "))" : "\(skipped.count) patterns"
        body += "\(names) are in the table above only, to keep this report within a Jira field; the JSON report has each of them.\n\n"
      }
    }
    return head + body + tail
  }

  private func facts(_ report: Report) -> String {
    let c = report.counts
    var out = "||Fact||Value||\n"
    let lines = report.inputs.reduce(0) { $0 + $1.lines }
    out += "|Inputs|\(ReportText.count(report.inputs.count, "file")), \(ReportText.grouped(lines)) lines|\n"
    if let span = report.timeSpan {
      out += "|Time span|\(span.start) to \(span.end) (\(Self.escape(ReportText.duration(span.seconds))))|\n"
    }
    var streams = "\(ReportText.grouped(c.streams)): \(ReportText.grouped(c.completed)) completed, *\(ReportText.grouped(report.droppedCount)) failed*"
    if c.inFlight > 0 { streams += ", \(ReportText.grouped(c.inFlight)) in flight when the input ends" }
    out += "|Streams|\(streams)|\n"
    if let focus = report.focus { out += "|Focus|\(Self.inline("\(focus.taken); \(focus.leftOutText)"))|\n" }
    if ReportText.hasSDKInput(report) {
      out += "|SDK calls|\(ReportText.grouped(c.calls)), of which \(ReportText.grouped(c.callsFailed)) failed in the end; the SDK retried \(ReportText.count(c.retries, "attempt"))|\n"
    }
    out += "|Raw exceptions leaked by the SDK|\(c.unwrappedExceptionLeaks)|\n"
    out += "|What the drops cost|\(Self.inline(ReportText.cost(report.cost) { "\u{2}\($0)\u{3}" }))|\n"
    out += "|Secrets redacted|\(report.secretsRedacted) (none appear below)|\n"
    out += "|Warnings|\(report.warnings.count)|\n\n"
    return out
  }

  private func patternDetail(_ p: FailurePattern) -> String {
    let e = p.exemplar
    var out = "h3. Pattern \(p.number): \(ReportText.count(p.streams.count, "stream")), \(Self.inline(p.title))\n\n"
    out += "* *Where:* \(Self.inline(whereText(p, 6)))\n"
    let contexts = p.contexts
    if !contexts.isEmpty {
      out += "* *Contexts:* \(contexts.prefix(8).map { "{{\(Self.escape($0))}}" }.joined(separator: ", "))\(contexts.count > 8 ? " and \(contexts.count - 8) more" : "")\n"
    }
    out += "* *When:* \(Self.escape(when(p)))\n"
    if p.retried > 0 { out += "* *Retried by the SDK:* \(p.retried) of \(p.streams.count)\n" }
    if p.leaked { out += "* *Leak:* the SDK let the raw transport exception escape, so {{except …APIError}} and its retries never saw it\n" }
    let others = p.streams.filter { $0.id != e.id }.map { String($0.id) }
    if !others.isEmpty { out += "* *Other streams:* \(others.prefix(40).joined(separator: ", "))\(others.count > 40 ? " and \(others.count - 40) more" : "")\n" }
    if !p.fixes.isEmpty { out += "* *Fix:* \(p.fixes.map { Self.inline(Catalogue.fixes[$0]?.title ?? $0.rawValue) }.joined(separator: "; "))\n" }
    out += "\n*Exemplar: stream \(e.id)* ({{\(Self.escape(e.input))}}\(e.context.map { ", {{\(Self.escape($0))}}" } ?? ""), \(e.confidence.rawValue) confidence). \(Self.inline(ReportText.linkingReferences(e.summary)))\n\n"
    for item in e.evidence.prefix(detail == .full ? .max : 6) {
      var line = "* "
      if let location = item.location { line += "{{\(Self.escape(location))}} " }
      if let time = item.time { line += "\(time) " }
      line += Self.inline(ReportText.linkingReferences(item.note))
      out += line + "\n"
      if let quote = item.quote {
        out += "{noformat}\(ReportText.clipped(quote, detail == .full ? .max : 300).replacingOccurrences(of: "{noformat}", with: "{ noformat}"))\n{noformat}\n"
      }
    }
    return out + "\n"
  }

  private func inFlight(_ report: Report) -> String {
    guard report.counts.inFlight > 0 else { return "" }
    var out = "h2. In flight when the input ends\n\n"
    out += "\(ReportText.count(report.counts.inFlight, "stream was", plural: "streams were")) still open when the input ended: nothing says how they ended, so they are not counted as failed.\n\n"
    out += "||#||Where||Events||Started||\n"
    for s in report.inFlightStreams.prefix(20) {
      out += "|\(s.id)|{{\(Self.escape(s.input))}}|\(s.eventsReceived)|\(s.startedAt ?? "-")|\n"
    }
    return out + "\n"
  }

  private func fixSection(_ fixes: [RankedFix], _ tight: Tightness) -> String {
    guard !fixes.isEmpty else { return "" }
    var out = "h2. Fixes, by the failed streams they address\n\n"
    for (index, ranked) in fixes.enumerated() {
      out += "h3. \(index + 1). \(Self.inline(ranked.fix.title))\n\n"
      if ranked.streams > 0 {
        out += "_\(ReportText.count(ranked.streams, "failed stream")); pattern\(ranked.patterns.count == 1 ? "" : "s") \(ranked.patterns.map(String.init).joined(separator: ", "))_\n\n"
      }
      out += Self.inline(ReportText.linkingReferences(ranked.fix.advice)) + "\n\n"
      if let code = ranked.fix.code, tight.code {
        let language = ReportText.language(ofCode: code)
        out += "{code\(language.isEmpty ? "" : ":\(language == "typescript" ? "javascript" : language == "sh" ? "bash" : language)")}\n\(code.trimmingTrailingNewlines())\n{code}\n\n"
      }
      if !ranked.fix.links.isEmpty { out += "See: \(ranked.fix.links.map { "[\($0)]" }.joined(separator: ", "))\n\n" }
    }
    return out
  }

  private func notesAndWarnings(_ report: Report, _ tight: Tightness) -> String {
    let limit = tight.listed
    var out = ""
    if !report.notes.isEmpty {
      out += "h2. Notes\n\n"
      for note in report.notes.prefix(limit) { out += "* \(Self.inline(ReportText.linkingReferences(ReportText.clipped(note, tight.clip))))\n" }
      if report.notes.count > limit { out += "* … \(report.notes.count - limit) more in the JSON report\n" }
      out += "\n"
    }
    if !report.warnings.isEmpty {
      out += "h2. Warnings\n\n"
      for w in report.warnings.prefix(limit) {
        out += "* {{\(Self.escape(w.input))}}\(w.line.map { " line \($0)" } ?? ""): \(Self.inline(ReportText.clipped(w.message, tight.clip)))\n"
      }
      if report.warnings.count > limit { out += "* … \(report.warnings.count - limit) more in the JSON report\n" }
      out += "\n"
    }
    return out
  }

  private func whereText(_ p: FailurePattern, _ limit: Int) -> String {
    let inputs = p.inputs
    return inputs.prefix(limit).map { "`\($0)`" }.joined(separator: ", ") + (inputs.count > limit ? " and \(inputs.count - limit) more" : "")
  }

  private func when(_ p: FailurePattern) -> String {
    guard let range = p.timeRange else { return "untimed" }
    return range.start == range.end ? range.start : "\(range.start) to \(range.end)"
  }

  /// Text with Markdown code spans and bold marks (`\u{2}`…`\u{3}`) turned into Jira's, and the rest escaped.
  static func inline(_ text: String) -> String {
    var out = ""
    var inCode = false
    var run = ""
    for character in text {
      if character == "`" {
        if inCode {
          out += run.isEmpty ? "" : "{{\(escape(run))}}"
        } else {
          out += escape(run)
        }
        run = ""
        inCode.toggle()
      } else if !inCode, character == "\u{2}" || character == "\u{3}" {
        out += escape(run) + "*"
        run = ""
      } else {
        run.append(character)
      }
    }
    out += inCode ? escape("'" + run) : escape(run)
    return linkify(out)
  }

  /// Characters Jira reads as markup, escaped with a backslash; `--` kept from becoming a dash.
  static func escape(_ text: String) -> String {
    var out = ""
    var previous: Character = " "
    for character in text {
      switch character {
      case "*", "_", "+", "^", "~", "[", "]", "{", "}", "|", "!", "#":
        out += "\\\(character)"
      case "-" where previous == "-" || previous == " ":
        out += "\\-"
      case "\n":
        out += " "
      default:
        out.append(character)
      }
      previous = character
    }
    return out
  }

  /// Escaped URLs made into links again: `https://…` with its escapes removed, in brackets.
  private static func linkify(_ text: String) -> String {
    guard text.contains("https://") else { return text }
    var out = ""
    var rest = Substring(text)
    while let start = rest.range(of: "https://") {
      out += rest[..<start.lowerBound]
      let tail = rest[start.lowerBound...]
      let end = tail.firstIndex { $0 == " " || $0 == ")" || $0 == "," || $0 == ";" } ?? tail.endIndex
      var url = String(tail[..<end]).replacingOccurrences(of: "\\", with: "")
      var trailing = ""
      while let last = url.last, last == "." || last == ":" {
        trailing = String(last) + trailing
        url.removeLast()
      }
      out += "[\(url)]\(trailing)"
      rest = tail[end...]
    }
    return out + rest
  }
}
