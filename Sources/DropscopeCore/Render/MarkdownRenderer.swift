/// Writes the report as Markdown to paste into a GitHub or Jira ticket.
public struct MarkdownRenderer: ReportRenderer {
  public init() {}

  public func render(_ report: Report) throws -> String {
    var out = MarkdownWriter()
    header(report, &out)
    summary(report, &out)
    failedStreams(report, &out)
    completedStreams(report, &out)
    fixes(report, &out)
    warningsAndNotes(report, &out)
    return out.text
  }

  private func header(_ report: Report, _ out: inout MarkdownWriter) {
    let c = report.counts
    out.line("# dropscope report")
    out.blank()
    out.line("| | |")
    out.line("|---|---|")
    let inputs = report.inputs.count == 1 ? "1 file" : "\(report.inputs.count) files"
    out.line("| Inputs | \(inputs), \(report.inputs.reduce(0) { $0 + $1.lines }) lines |")
    if let span = report.timeSpan {
      out.line("| Time span | \(span.start) – \(span.end) (\(TimeFormatting.seconds(span.seconds))) |")
    }
    let seenTwice = c.seenInLogAndCapture > 0 ? " (\(c.seenInLogAndCapture) of them seen both in a log and in a capture, each listed once)" : ""
    out.line("| Streams | \(c.streams): \(c.completed) completed, **\(c.failed) failed**\(seenTwice) |")
    out.line("| SDK calls | \(c.calls), of which \(c.callsFailed) failed in the end; the SDK retried \(c.retries) attempts |")
    out.line("| Raw exceptions leaked by the SDK | \(c.unwrappedExceptionLeaks) |")
    out.line("| What the drops cost | \(costText(report.cost)) |")
    out.line("| Secrets redacted | \(report.secretsRedacted) (none appear below) |")
    out.line("| Warnings | \(report.warnings.count) |")
    out.blank()
  }

  private func summary(_ report: Report, _ out: inout MarkdownWriter) {
    out.line("## Summary")
    out.blank()
    guard report.counts.failed > 0 else {
      // No stream, or an input that gave none, is not an all-clear.
      let silent = report.inputs.filter { $0.streams == 0 }.count
      if report.counts.streams == 0 {
        out.line("No stream was found, so none is judged: nothing here shows a call completing or failing (see the warnings).")
      } else if silent > 0 {
        out.line("Every stream found completed; \(silent) input\(silent == 1 ? "" : "s") gave no stream (see the warnings).")
      } else {
        out.line("Every stream completed.")
      }
      out.blank()
      return
    }
    out.line("| Cause | Failed streams | What it means |")
    out.line("|---|---:|---|")
    for cause in Cause.allCases {
      let n = report.counts.byCause[cause.rawValue] ?? 0
      guard n > 0 else { continue }
      out.line("| `\(cause.rawValue)` | \(n) | \(cause.meaning) |")
    }
    out.blank()
    out.line("| # | Request id | Cause | Side | Confidence | Surfaced as | Where |")
    out.line("|---:|---|---|---|---|---|---|")
    for s in report.streams where s.outcome == .failed {
      // A capture shows no exception: its leak finding is a prediction from the SDK the request names.
      let surfaced = !s.findings.contains(.unwrappedExceptionLeak) ? exceptionName(s)
        : s.surfacedAs == nil ? "raw (predicted from the SDK)" : "raw \(exceptionName(s))"
      out.line("| [\(s.id)](#stream-\(s.id)) | \(code(s.requestID)) | `\(s.cause?.rawValue ?? "unknown")` | \(s.side?.rawValue ?? "–") | \(s.confidence.rawValue) | \(surfaced) | \(where_(s)) |")
    }
    out.blank()
  }

  private func failedStreams(_ report: Report, _ out: inout MarkdownWriter) {
    let failed = report.streams.filter { $0.outcome == .failed }
    guard !failed.isEmpty else { return }
    out.line("## Failed streams")
    out.blank()
    for s in failed {
      out.line("<a id=\"stream-\(s.id)\"></a>")
      out.line("### Stream \(s.id): `\(s.cause?.rawValue ?? "unknown")` (\(s.confidence.rawValue) confidence)")
      out.blank()
      out.line(s.summary)
      out.blank()
      out.line("- **Side:** \(s.side?.rawValue ?? "unknown")")
      if let surfaced = s.surfacedAs { out.line("- **Surfaced as:** \(surfaced)") }
      if !s.findings.isEmpty { out.line("- **Findings:** \(s.findings.map { "`\($0.rawValue)`" }.joined(separator: ", "))") }
      if let sdk = s.sdk { out.line("- **SDK:** \(sdk)") }
      var whereParts = ["`\(s.input)`"]
      if let context = s.context { whereParts.append("\(context.contains(" → ") ? "connection" : "thread") `\(context)`") }
      if let id = s.requestID { whereParts.append("request `\(id)`") }
      out.line("- **Where:** \(whereParts.joined(separator: ", "))")
      if !s.views.isEmpty {
        let seen = s.views.map { "the \($0.source) `\($0.input)` (its stream \($0.stream): \($0.outcome == .completed ? "completed" : $0.cause?.rawValue ?? "unknown"), \($0.confidence.rawValue))" }
        out.line("- **Seen in:** \(seen.joined(separator: " and "))")
      }
      out.line("- **Call:** \(s.call), attempt \(s.attempt) of \(s.attemptsInCall)")
      if let started = s.startedAt { out.line("- **Started:** \(started)\(s.endedAt.map { ", ended \($0)" } ?? "")") }
      if !s.candidates.isEmpty {
        out.line("- **Candidates:** \(s.candidates.map { "`\($0.rawValue)`" }.joined(separator: ", "))")
      }
      if let would = s.wouldDecide { out.line("- **What would decide it:** \(would)") }
      out.blank()
      out.line("**Evidence**")
      out.blank()
      for e in s.evidence {
        var head = "- "
        if let location = e.location { head += "`\(location)`" }
        if let time = e.time { head += " \(time)" }
        head += e.location == nil && e.time == nil ? e.note : " — \(e.note)"
        out.line(head)
        if let quote = e.quote {
          out.line("  ```")
          out.line("  \(quote.replacingTicks())")
          out.line("  ```")
        }
      }
      out.blank()
      if !s.fixes.isEmpty {
        let titles = s.fixes.map { id in "[\(Catalogue.fixes[id]?.title ?? id.rawValue)](#fix-\(id.rawValue))" }
        out.line("**Fix\(s.sdk.map { " (for \($0))" } ?? ""):** \(titles.joined(separator: "; "))")
        out.blank()
      }
    }
  }

  private func completedStreams(_ report: Report, _ out: inout MarkdownWriter) {
    let completed = report.streams.filter { $0.outcome == .completed }
    guard !completed.isEmpty else { return }
    out.line("## Completed streams")
    out.blank()
    out.line("| # | Request id | Where | Events | Confidence | Note |")
    out.line("|---:|---|---|---:|---|---|")
    for s in completed {
      out.line("| \(s.id) | \(code(s.requestID)) | \(where_(s)) | \(s.eventsReceived) | \(s.confidence.rawValue) | \(s.summary) |")
    }
    if report.counts.unlistedStreams > 0 {
      out.blank()
      out.line("\(report.counts.unlistedStreams) more streams are counted above but not listed.")
    }
    out.blank()
  }

  private func fixes(_ report: Report, _ out: inout MarkdownWriter) {
    guard !report.fixes.isEmpty else { return }
    out.line("## Fixes")
    out.blank()
    for fix in report.fixes {
      out.line("<a id=\"fix-\(fix.id.rawValue)\"></a>")
      out.line("### \(fix.title)")
      out.blank()
      out.line(fix.advice)
      out.blank()
      if let code = fix.code {
        out.line(code.contains("import") || code.contains("client") || code.contains("except") ? "```python" : "```")
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

  private func warningsAndNotes(_ report: Report, _ out: inout MarkdownWriter) {
    if !report.notes.isEmpty {
      out.line("## Notes")
      out.blank()
      for note in report.notes { out.line("- \(note)") }
      out.blank()
    }
    if !report.warnings.isEmpty {
      out.line("## Warnings")
      out.blank()
      for w in report.warnings {
        var place = "`\(w.input)`"
        if let line = w.line { place += " line \(line)" } else if let offset = w.offset { place += " at offset \(offset)" }
        out.line("- \(place): \(w.message)")
      }
      out.blank()
    }
    out.line("<sub>\(report.tool) · report schema \(report.schemaVersion)</sub>")
  }

  private func costText(_ cost: Report.Cost) -> String {
    guard cost.billedFailures > 0 else { return "nothing billed: no stream failed after the API accepted it" }
    var text = "\(cost.billedFailures) failed stream\(cost.billedFailures == 1 ? " was" : "s were") accepted and billed"
    if cost.billedFailuresWithUsage > 0 {
      text += ": \(grouped(cost.inputTokens)) input tokens (usage logged for \(cost.billedFailuresWithUsage) of \(cost.billedFailures))"
      if cost.outputTokens > 0 { text += " and \(grouped(cost.outputTokens)) output tokens" }
      text += ", billed again by each retry"
      if let amount = cost.amount, let input = cost.inputPricePerMillion, let output = cost.outputPricePerMillion {
        text += "; at $\(price(input))/$\(price(output)) per million input/output tokens: **$\(money(amount))**"
      }
    } else {
      text += "; the log shows no token usage (log `message_start` usage to measure it)"
    }
    return text
  }

  private func grouped(_ value: Int) -> String {
    let digits = Array(String(value))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0, (digits.count - i) % 3 == 0 { out += "," }
      out.append(d)
    }
    return out
  }

  private func price(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
  }

  private func money(_ value: Double) -> String {
    let cents = (value * 10_000).rounded() / 10_000
    return String(cents)
  }

  private func exceptionName(_ s: StreamVerdict) -> String {
    guard let surfaced = s.surfacedAs, let start = surfaced.firstIndex(of: "`") else {
      return s.status.map { "HTTP \($0)" } ?? "–"
    }
    let rest = surfaced[surfaced.index(after: start)...]
    guard let end = rest.firstIndex(of: "`") else { return "–" }
    return "`\(rest[..<end])`"
  }

  private func where_(_ s: StreamVerdict) -> String {
    let place = s.context.map { "`\(s.input)` (`\($0)`)" } ?? "`\(s.input)`"
    return place + (s.views.count > 1 ? ", also in `\(s.views[1].input)`" : "")
  }

  private func code(_ text: String?) -> String { text.map { "`\($0)`" } ?? "–" }
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

  fileprivate func trimmingTrailingNewlines() -> String {
    var s = Substring(self)
    while s.last == "\n" { s = s.dropLast() }
    return String(s)
  }
}
