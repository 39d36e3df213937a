/// Writes the report as GitHub Markdown: the verdict first, failures grouped into patterns, ranked fixes.
public struct MarkdownRenderer: ReportRenderer {
  /// How much of each stream to show; `.summary` fits a GitHub issue body whatever the input.
  public var detail: ReportDetail
  /// The most characters the summary report may take (a GitHub issue body holds 65,536).
  public var budget: Int

  /// Patterns the summary report gives a section (exemplar and evidence); the table lists them all.
  static let mostPatternSections = 15

  public init(detail: ReportDetail = .summary, budget: Int = 60_000) {
    self.detail = detail
    self.budget = budget
  }

  public func render(_ report: Report) throws -> String {
    let patterns = report.patterns
    let fixes = report.rankedFixes(patterns)
    guard detail == .summary else { return render(report, patterns, fixes, .roomy) }
    // The fixed parts shrink step by step until the report fits; the patterns' sections take what is left.
    return ReportText.fitting(Tightness.steps, budget: budget,
                              cutNote: "\n\n… (cut to \(ReportText.grouped(budget)) characters; `--format json` has everything)\n") {
      render(report, patterns, fixes, $0)
    }
  }

  /// How many rows and characters the parts of the report around the patterns may take.
  private struct Tightness {
    var tableRows: Int
    var listed: Int
    var clip: Int

    static let roomy = Tightness(tableRows: .max, listed: .max, clip: .max)
    static let steps = [Tightness(tableRows: 60, listed: 15, clip: 600), Tightness(tableRows: 30, listed: 5, clip: 300),
                        Tightness(tableRows: 10, listed: 2, clip: 160), Tightness(tableRows: 3, listed: 0, clip: 100)]
  }

  private func render(_ report: Report, _ patterns: [FailurePattern], _ fixes: [RankedFix], _ tight: Tightness) -> String {
    var out = MarkdownWriter()
    out.line("# dropscope report")
    out.blank()
    out.line(ReportText.linkingReferences(ReportText.verdict(report, patterns: patterns, fixes: fixes) { "**\($0)**" }))
    out.blank()
    facts(report, &out)
    // Fixed-size parts are written to their own text first, so the patterns take what the budget leaves.
    var tail = MarkdownWriter()
    inFlight(report, &tail)
    fixSection(fixes, &tail)
    completed(report, tight, &tail)
    notesAndWarnings(report, tight, &tail)
    tail.line("<sub>\(report.tool) · report schema \(report.schema) · \(detail == .full ? "full detail" : "summary; `--detail full` lists every stream")</sub>")
    let room = detail == .full ? Int.max : max(0, budget - out.text.count - tail.text.count - 200)
    patternSection(report, patterns, room: room, tight, &out)
    if detail == .full { streamSections(report, &out) }
    return out.text + tail.text
  }

  // MARK: - Header

  private func facts(_ report: Report, _ out: inout MarkdownWriter) {
    let c = report.counts
    out.line("| | |")
    out.line("|---|---|")
    let lines = report.inputs.reduce(0) { $0 + $1.lines }
    let shown = report.inputs.prefix(3).map { "`\($0.name)`" }.joined(separator: ", ")
    let more = report.inputs.count > 3 ? " and \(report.inputs.count - 3) more" : ""
    out.line("| Inputs | \(ReportText.count(report.inputs.count, "file")), \(ReportText.grouped(lines)) lines: \(shown)\(more) |")
    if let span = report.timeSpan {
      out.line("| Time span | \(span.start) – \(span.end) (\(ReportText.duration(span.seconds))) |")
    }
    var streams = "\(ReportText.grouped(c.streams)): \(ReportText.grouped(c.completed)) completed, **\(ReportText.grouped(report.droppedCount)) failed**"
    if c.inFlight > 0 { streams += ", \(ReportText.grouped(c.inFlight)) in flight when the input ends" }
    if c.seenInLogAndCapture > 0 { streams += " (\(c.seenInLogAndCapture) seen both in a log and in a capture, each counted once)" }
    out.line("| Streams | \(streams) |")
    if let focus = report.focus { out.line("| Focus | \(focus.taken); \(focus.leftOutText) |") }
    if ReportText.hasSDKInput(report) {
      out.line("| SDK calls | \(ReportText.grouped(c.calls)), of which \(ReportText.grouped(c.callsFailed)) failed in the end; the SDK retried \(ReportText.count(c.retries, "attempt")) |")
    }
    out.line("| Raw exceptions leaked by the SDK | \(ReportText.grouped(c.unwrappedExceptionLeaks)) |")
    out.line("| What the drops cost | \(ReportText.cost(report.cost) { "**\($0)**" }) |")
    out.line("| Secrets redacted | \(report.secretsRedacted) (none appear below) |")
    out.line("| Warnings | \(report.warnings.count) |")
    out.blank()
  }

  // MARK: - Patterns

  private func patternSection(_ report: Report, _ patterns: [FailurePattern], room: Int, _ tight: Tightness, _ out: inout MarkdownWriter) {
    guard !patterns.isEmpty else { return }
    let start = out.text.count
    out.line("## Failure patterns")
    out.blank()
    out.line("Failed streams grouped by cause, side, how the application saw it, SDK and matched limit; largest first.")
    out.blank()
    out.line("| # | Streams | Where | Cause | Side | Surfaced as | SDK | When |")
    out.line("|---:|---:|---|---|---|---|---|---|")
    let rows = patterns.prefix(tight.tableRows)
    for p in rows {
      out.line("| [\(p.number)](#pattern-\(p.number)) | \(p.streams.count) | \(whereText(p, limit: 1)) | `\(p.cause.rawValue)` | \(p.side?.rawValue ?? "–") | \(p.surfaced) | \(p.sdk ?? "–") | \(whenShort(p)) |")
    }
    if patterns.count > rows.count {
      let rest = patterns.dropFirst(rows.count)
      out.line("| … | \(rest.reduce(0) { $0 + $1.streams.count }) | \(rest.count) smaller patterns, in the JSON report | | | | | |")
    }
    out.blank()
    var skipped: [FailurePattern] = []
    var used = out.text.count - start
    for p in patterns {
      var section = MarkdownWriter()
      patternDetail(p, &section)
      let size = section.text.count
      if used + size > room || (detail == .summary && p.number > Self.mostPatternSections) {
        skipped.append(p)
        continue
      }
      used += size
      out.text += section.text
    }
    if !skipped.isEmpty {
      let n = skipped.reduce(0) { $0 + $1.streams.count }
      let names = skipped.count <= 30 ? "Patterns \(skipped.map { String($0.number) }.joined(separator: ", "))" : "\(skipped.count) patterns"
      out.line("\(names) (\(ReportText.count(n, "stream"))) are in the table above only, to keep this report the size of a ticket; `--detail full` or `--format json` has each of them.")
      out.blank()
    }
  }

  private func patternDetail(_ p: FailurePattern, _ out: inout MarkdownWriter) {
    let e = p.exemplar
    out.line("<a id=\"pattern-\(p.number)\"></a>")
    out.line("### Pattern \(p.number): \(ReportText.count(p.streams.count, "stream")), \(p.title)")
    out.blank()
    out.line("- **Where:** \(whereText(p, limit: 6))")
    let contexts = p.contexts
    if !contexts.isEmpty {
      out.line("- **Contexts:** \(contexts.prefix(8).map { "`\($0)`" }.joined(separator: ", "))\(contexts.count > 8 ? " and \(contexts.count - 8) more" : "")")
    }
    out.line("- **When:** \(when(p))")
    if p.retried > 0 { out.line("- **Retried by the SDK:** \(p.retried) of \(p.streams.count)") }
    if p.leaked { out.line("- **Leak:** the SDK let the raw transport exception escape: `except …APIError` and its retries never saw it") }
    let others = p.streams.filter { $0.id != e.id }.map { String($0.id) }
    if !others.isEmpty {
      out.line("- **Other streams:** \(others.prefix(40).joined(separator: ", "))\(others.count > 40 ? " and \(others.count - 40) more" : "")")
    }
    if !p.fixes.isEmpty {
      out.line("- **Fix:** \(p.fixes.map { "[\(Catalogue.fixes[$0]?.title ?? $0.rawValue)](#fix-\($0.rawValue))" }.joined(separator: "; "))")
    }
    out.blank()
    out.line("**Exemplar: stream \(e.id)** (`\(e.input)`\(e.context.map { ", `\($0)`" } ?? "")\(e.requestID.map { ", request `\($0)`" } ?? ""), \(e.confidence.rawValue) confidence). \(ReportText.linkingReferences(ReportText.sentences(e.summary, 600)))")
    out.blank()
    evidence(e.evidence, limit: 6, quoteLimit: 300, &out)
  }

  private func evidence(_ items: [Evidence], limit: Int, quoteLimit: Int, _ out: inout MarkdownWriter) {
    for e in items.prefix(limit) {
      var head = "- "
      if let location = e.location { head += "`\(location)`" }
      if let time = e.time { head += " \(time)" }
      let note = ReportText.linkingReferences(detail == .full ? e.note : ReportText.sentences(e.note, 320))
      head += e.location == nil && e.time == nil ? note : " — \(note)"
      out.line(head)
      if let quote = e.quote {
        out.line("  ```")
        out.line("  \(ReportText.clipped(quote, quoteLimit).replacingTicks())")
        out.line("  ```")
      }
    }
    if items.count > limit { out.line("- … \(items.count - limit) more in `--detail full`") }
    out.blank()
  }

  private func whereText(_ p: FailurePattern, limit: Int) -> String {
    let inputs = p.inputs
    return inputs.prefix(limit).map { "`\($0)`" }.joined(separator: ", ") + (inputs.count > limit ? " and \(inputs.count - limit) more" : "")
  }

  /// The pattern's time range, short: its first start and how long until its last end.
  private func whenShort(_ p: FailurePattern) -> String {
    guard let range = p.timeRange else { return "untimed" }
    guard range.start != range.end, let a = TimestampParser.parse(range.start), let b = TimestampParser.parse(range.end) else {
      return range.start
    }
    return "\(range.start) +\(ReportText.duration(Double(b - a) / 1e6))"
  }

  private func when(_ p: FailurePattern) -> String {
    guard let range = p.timeRange else { return "untimed" }
    guard range.start != range.end, let a = TimestampParser.parse(range.start), let b = TimestampParser.parse(range.end) else {
      return range.start
    }
    return "\(range.start) – \(range.end) (\(ReportText.duration(Double(b - a) / 1e6)))"
  }

  // MARK: - Other sections

  private func inFlight(_ report: Report, _ out: inout MarkdownWriter) {
    let open = report.inFlightStreams
    guard report.counts.inFlight > 0 else { return }
    out.line("## In flight when the input ends")
    out.blank()
    out.line("\(ReportText.count(report.counts.inFlight, "stream was", plural: "streams were")) still open when \(open.count == 1 ? "its" : "their") input ended: nothing in the input says how \(open.count == 1 ? "it" : "they") ended, so \(open.count == 1 ? "it is" : "they are") not counted as failed (`--fail-on-drops` ignores them). A longer log or capture would show the end.")
    out.blank()
    out.line("| # | Where | Request id | Events | Started |")
    out.line("|---:|---|---|---:|---|")
    for s in open.prefix(20) {
      out.line("| \(s.id) | `\(s.input)`\(s.context.map { " (`\($0)`)" } ?? "") | \(s.requestID.map { "`\($0)`" } ?? "–") | \(s.eventsReceived) | \(s.startedAt ?? "–") |")
    }
    if open.count > 20 { out.line("| … | \(open.count - 20) more | | | |") }
    out.blank()
  }

  private func fixSection(_ fixes: [RankedFix], _ out: inout MarkdownWriter) {
    guard !fixes.isEmpty else { return }
    out.line("## Fixes, by the failed streams they address")
    out.blank()
    for (index, ranked) in fixes.enumerated() {
      let fix = ranked.fix
      out.line("<a id=\"fix-\(fix.id.rawValue)\"></a>")
      out.line("### \(index + 1). \(fix.title)")
      out.blank()
      if ranked.streams > 0 {
        out.line("*\(ReportText.count(ranked.streams, "failed stream")); pattern\(ranked.patterns.count == 1 ? "" : "s") \(ranked.patterns.map { "[\($0)](#pattern-\($0))" }.joined(separator: ", "))*")
      } else {
        out.line("*For streams in flight when the input ends.*")
      }
      out.blank()
      out.line(ReportText.linkingReferences(fix.advice))
      out.blank()
      if let code = fix.code {
        out.line("```\(ReportText.language(ofCode: code))")
        out.line(code.trimmingTrailingNewlines())
        out.line("```")
        out.blank()
      }
      if !fix.links.isEmpty {
        out.line("See: \(fix.links.joined(separator: ", "))")
        out.blank()
      }
    }
  }

  private func completed(_ report: Report, _ tight: Tightness, _ out: inout MarkdownWriter) {
    let done = report.streams.filter { $0.outcome == .completed }
    guard report.counts.completed > 0 else { return }
    out.line("## Completed streams")
    out.blank()
    let limit = min(done.count, tight.listed)
    if limit > 0 {
      out.line("| # | Where | Request id | Events | Confidence | Note |")
      out.line("|---:|---|---|---:|---|---|")
    }
    for s in done.prefix(limit) {
      out.line("| \(s.id) | `\(s.input)`\(s.context.map { " (`\($0)`)" } ?? "") | \(s.requestID.map { "`\($0)`" } ?? "–") | \(s.eventsReceived) | \(s.confidence.rawValue) | \(ReportText.clipped(s.summary, 200)) |")
    }
    let unlisted = report.counts.completed - min(limit, done.count)
    if unlisted > 0 {
      out.blank()
      out.line("\(ReportText.count(unlisted, "more completed stream is", plural: "more completed streams are")) counted above but not listed.")
    }
    out.blank()
  }

  private func notesAndWarnings(_ report: Report, _ tight: Tightness, _ out: inout MarkdownWriter) {
    let limit = tight.listed
    if !report.notes.isEmpty {
      out.line("## Notes")
      out.blank()
      for note in report.notes.prefix(limit) { out.line("- \(ReportText.linkingReferences(ReportText.clipped(note, tight.clip)))") }
      if report.notes.count > limit { out.line("- … \(report.notes.count - limit) more notes in `--detail full` or the JSON report") }
      out.blank()
    }
    if !report.warnings.isEmpty {
      out.line("## Warnings")
      out.blank()
      for w in report.warnings.prefix(limit) {
        var place = "`\(w.input)`"
        if let line = w.line { place += " line \(line)" } else if let offset = w.offset { place += " at offset \(offset)" }
        out.line("- \(place): \(ReportText.clipped(w.message, tight.clip))")
      }
      if report.warnings.count > limit { out.line("- … \(report.warnings.count - limit) more warnings in `--detail full` or the JSON report") }
      out.blank()
    }
  }

  // MARK: - Full detail

  private func streamSections(_ report: Report, _ out: inout MarkdownWriter) {
    let failed = report.streams.filter { $0.outcome == .failed }
    guard !failed.isEmpty else { return }
    out.line("## Every failed stream")
    out.blank()
    for s in failed {
      out.line("<a id=\"stream-\(s.id)\"></a>")
      out.line("### Stream \(s.id): \(s.inFlightAtEnd ? "in flight when the input ends" : "`\(s.cause?.rawValue ?? "unknown")`") (\(s.confidence.rawValue) confidence)")
      out.blank()
      var whereParts = ["`\(s.input)`"]
      if let context = s.context { whereParts.append("\(context.contains(" → ") ? "connection" : "thread") `\(context)`") }
      if let id = s.requestID { whereParts.append("request `\(id)`") }
      out.line("- **Where:** \(whereParts.joined(separator: ", "))")
      out.line("- **Side:** \(s.side?.rawValue ?? "unknown")")
      if let surfaced = s.surfacedAs { out.line("- **Surfaced as:** \(surfaced)") }
      if !s.findings.isEmpty { out.line("- **Findings:** \(s.findings.map { "`\($0.rawValue)`" }.joined(separator: ", "))") }
      if let sdk = s.sdk { out.line("- **SDK:** \(sdk)") }
      if !s.views.isEmpty {
        let seen = s.views.map { "the \($0.source) `\($0.input)` (its stream \($0.stream): \($0.outcome == .completed ? "completed" : $0.cause?.rawValue ?? "unknown"), \($0.confidence.rawValue))" }
        out.line("- **Seen in:** \(seen.joined(separator: " and "))")
      }
      out.line("- **Call:** \(s.call), attempt \(s.attempt) of \(s.attemptsInCall)")
      if let started = s.startedAt { out.line("- **Started:** \(started)\(s.endedAt.map { ", ended \($0)" } ?? "")") }
      if let duration = s.duration { out.line("- **Duration:** \(ReportText.duration(duration))") }
      if !s.candidates.isEmpty {
        out.line("- **Candidates:** \(s.candidates.map { "`\($0.rawValue)`" }.joined(separator: ", "))")
      }
      if let would = s.wouldDecide { out.line("- **What would decide it:** \(would)") }
      out.blank()
      out.line(ReportText.linkingReferences(s.summary))
      out.blank()
      out.line("**Evidence**")
      out.blank()
      evidence(s.evidence, limit: .max, quoteLimit: .max, &out)
      if !s.fixes.isEmpty {
        let titles = s.fixes.map { id in "[\(Catalogue.fixes[id]?.title ?? id.rawValue)](#fix-\(id.rawValue))" }
        out.line("**Fix\(s.sdk.map { " (for \($0))" } ?? ""):** \(titles.joined(separator: "; "))")
        out.blank()
      }
    }
  }
}

/// Accumulates Markdown lines.
private struct MarkdownWriter {
  var text = ""

  mutating func line(_ s: String) {
    text += s
    text += "\n"
  }

  mutating func blank() { text += "\n" }
}

extension String {
  /// The text with every third backtick in a run turned into `'`, so it cannot close a fenced block.
  fileprivate func replacingTicks() -> String {
    var result = ""
    var previousTick = 0
    for character in self {
      if character == "`" {
        previousTick += 1
        if previousTick == 3 {
          result += "'"
          previousTick = 0
          continue
        }
      } else {
        previousTick = 0
      }
      result.append(character)
    }
    return result
  }

  /// The text without its trailing newlines.
  func trimmingTrailingNewlines() -> String {
    var s = Substring(self)
    while s.last == "\n" { s = s.dropLast() }
    return String(s)
  }
}
