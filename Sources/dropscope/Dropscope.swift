import ArgumentParser
import DropscopeCore
import Foundation

@main
struct Dropscope: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dropscope",
    abstract: "Diagnose dropped LLM-API streams from incident logs.",
    version: DropscopeVersion.current,
    subcommands: [Analyze.self, TranscriptCommand.self],
    defaultSubcommand: Analyze.self
  )
}

extension Dropscope {
  struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Analyze log files (plain or gzipped) and report every stream that did not complete.",
      discussion: """
        Inputs are files or folders (read recursively); '-' reads standard input. \
        Each input is recognised by its content, not its name.
        Exit status: 0 when the analysis ran (whatever it found); 1 with --fail-on-drops when a stream failed \
        (streams still in flight when an input ends do not count); \
        64 for bad flags; 66 when an input cannot be read.
        """
    )

    @Argument(help: "Log files or folders to analyze, or '-' for standard input.")
    var paths: [String]

    @Option(name: .shortAndLong, help: "Report format: markdown, json, jira (Jira wiki markup), html (one self-contained page with a timeline) or trace (Chrome trace-event JSON for Perfetto).")
    var format: OutputFormat = .markdown

    @Option(help: "How much of each stream the report shows: summary (patterns with one exemplar each; fits a GitHub issue) or full (a section per stream).")
    var detail: DetailLevel = .summary

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Flag(help: "Exit with status 1 when any stream failed (streams still in flight when an input ends do not count).")
    var failOnDrops = false

    @Flag(help: "Do not show progress on standard error (shown only when it is a terminal).")
    var quiet = false

    @Option(help: ArgumentHelp("Prices per million tokens, to put a money figure on the drops.", valueName: "input=3,output=15"))
    var price: TokenPrice?

    @Option(help: ArgumentHelp("The day of a curl trace's times of day (curl prints no date); default: the file's modification date.", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("The zone of times written without one: log timestamps, a curl trace's times of day, --since and --until; default: UTC.", valueName: "+01:00"))
    var tz: String?

    @Option(help: ArgumentHelp("Judge and list only the streams timed at or after this time (a stream's start, else its end); streams without a time are then left out.", valueName: "2026-11-22T15:00:00Z"))
    var since: String?

    @Option(help: ArgumentHelp("Judge and list only the streams timed at or before this time.", valueName: "2026-11-22T16:00:00Z"))
    var until: String?

    @Option(name: .customLong("request-id"), help: ArgumentHelp("Judge and list only the stream of this request id; may be repeated.", valueName: "ID"))
    var requestIDs: [String] = []

    @Option(name: .customLong("context"), help: ArgumentHelp("Judge and list only the streams of this context (a thread, task, container or connection, as the report names it); may be repeated.", valueName: "NAME"))
    var contexts: [String] = []

    @Option(help: ArgumentHelp("A TLS key log (SSLKEYLOGFILE, NSS format) to decrypt the TLS sessions of captures; may be repeated. Its secrets are never printed.", valueName: "FILE"))
    var keylog: [String] = []

    @Option(help: ArgumentHelp("Threads that read a capture's connections, and inputs read at once (at most 4); default: one per processor, up to 4. The report is the same whatever the number.", valueName: "N"))
    var threads: Int?

    func validate() throws {
      if let date, AnalysisOptions.midnight(of: date) == nil { throw ValidationError("--date takes a day as YYYY-MM-DD, for example 2026-11-22") }
      if let tz, AnalysisOptions.utcOffsetMinutes(tz) == nil { throw ValidationError("--tz takes an offset from UTC, for example +01:00, -05:00 or UTC") }
      if let price, !(0...TokenPrice.highest).contains(price.input) || !(0...TokenPrice.highest).contains(price.output) {
        throw ValidationError("--price takes prices from 0 to \(Int(TokenPrice.highest)) dollars per million tokens, for example input=3,output=15")
      }
      if let threads, !(1...64).contains(threads) { throw ValidationError("--threads takes a number from 1 to 64") }
      let zone = tz.flatMap(AnalysisOptions.utcOffsetMinutes) ?? 0
      for (flag, value) in [("--since", since), ("--until", until)] {
        if let value, ReportFocus.parseTime(value, unzonedOffsetMinutes: zone) == nil {
          throw ValidationError("\(flag) takes an ISO 8601 time, for example 2026-11-22T15:52:48Z, 2026-11-22 15:52 (in --tz, else UTC) or 2026-11-22")
        }
      }
      if let since, let until, let start = ReportFocus.parseTime(since, unzonedOffsetMinutes: zone),
        let end = ReportFocus.parseTime(until, unzonedOffsetMinutes: zone), end < start
      {
        throw ValidationError("--until is before --since: give the earlier time to --since")
      }
      if requestIDs.contains(where: { $0.isEmpty }) || contexts.contains(where: { $0.isEmpty }) {
        throw ValidationError("--request-id and --context take a non-empty value, as the report shows it")
      }
    }

    /// The focus the flags give (`--since`, `--until`, `--request-id`, `--context`).
    var focus: ReportFocus {
      let zone = tz.flatMap(AnalysisOptions.utcOffsetMinutes) ?? 0
      var focus = ReportFocus()
      focus.since = since.flatMap { ReportFocus.parseTime($0, unzonedOffsetMinutes: zone) }
      focus.until = until.flatMap { ReportFocus.parseTime($0, unzonedOffsetMinutes: zone) }
      focus.requestIDs = requestIDs
      focus.contexts = contexts
      return focus
    }

    func run() throws {
      let inputs: [AnalysisInput]
      var expansionWarnings: [AnalysisWarning] = []
      do {
        inputs = try AnalysisInput.expand(paths, warnings: &expansionWarnings)
      } catch let error as DropscopeError {
        printError(Redactor.redact(error.description).text)
        throw ExitCode(66)
      }
      var options = AnalysisOptions()
      if let price { options.pricePerMillion = (price.input, price.output) }
      options.curlDate = date.flatMap(AnalysisOptions.midnight(of:))
      options.curlUTCOffsetMinutes = tz.flatMap(AnalysisOptions.utcOffsetMinutes)
      options.logUTCOffsetMinutes = tz.flatMap(AnalysisOptions.utcOffsetMinutes)
      options.focus = focus
      if let threads {
        options.captureThreads = threads
        options.inputThreads = threads
      }
      do {
        options.keyLog = try TLSKeyLog.load(paths: keylog)
      } catch {
        printError(error.description)
        throw ExitCode(66)
      }
      var analyzer = Analyzer(options: options)
      let progress = TerminalProgress.wanted(quiet: quiet) ? TerminalProgress(width: TerminalProgress.terminalWidth()) : nil
      if let progress {
        analyzer.onProgress = { p in
          var p = p
          p.name = Redactor.redact(p.name).text
          progress.update(p)
        }
      }
      let report = analyzer.analyze(inputs, expansionWarnings: expansionWarnings)
      progress?.finish(report)
      // Written piece by piece: a JSON report of thousands of streams is never held as one text.
      var destination: ReportOutput?
      do {
        let out = try ReportOutput(path: output)
        destination = out
        try format.format.renderer(detail: detail.level).render(report) { try out.write($0) }
        try out.finish()
      } catch let error as DropscopeError {
        destination?.abandon()
        printError(error.description)
        throw ExitCode(73)
      }
      if report.counts.streams == 0, let focus = report.focus, focus.leftOut > 0 {
        printNotice("no stream is in the focus (\(focus.leftOut) found, all left out by \(focus.taken.replacingOccurrences(of: "`", with: "")))\(focus.leftOutWithoutTime > 0 ? "; \(focus.leftOutWithoutTime) of them have no time" : ""): widen --since/--until, or check --request-id and --context against an unfocused report")
      } else if report.counts.streams == 0 {
        let lines = report.inputs.reduce(0) { $0 + $1.lines }
        printNotice("no stream was found in \(report.inputs.count) input\(report.inputs.count == 1 ? "" : "s") (\(lines) line\(lines == 1 ? "" : "s") read), so nothing was judged\(report.warnings.isEmpty ? "" : "; the report's warnings say what each input looked like")")
      }
      if failOnDrops, report.droppedCount > 0 {
        printNotice("--fail-on-drops: \(Self.dropSummary(report))")
        throw ExitCode(1)
      }
    }

    /// What tripped `--fail-on-drops`: how many streams failed, the largest patterns, and the first stream.
    static func dropSummary(_ report: Report) -> String {
      let n = report.droppedCount
      var text = "\(n) stream\(n == 1 ? "" : "s") failed"
      let patterns = report.patterns
      if !patterns.isEmpty {
        let top = patterns.prefix(3).map { p in
          "\(p.streams.count) \(p.cause.rawValue) (\(p.side.map { "\($0.rawValue) side, " } ?? "")\(p.surfaced.replacingOccurrences(of: "`", with: "")))"
        }
        text += ": " + top.joined(separator: ", ") + (patterns.count > 3 ? ", and \(patterns.count - 3) more pattern\(patterns.count == 4 ? "" : "s")" : "")
      }
      if let first = report.droppedStreams.first {
        text += "; first: stream \(first.id) in \(first.input)\(first.startedAt.map { " at \($0)" } ?? "")"
      }
      if report.counts.inFlight > 0 { text += " (\(report.counts.inFlight) in flight when the input ends not counted)" }
      return text
    }

    private func printNotice(_ message: String) {
      FileHandle.standardError.write(Data("dropscope: \(message)\n".utf8))
    }

    private func printError(_ message: String) {
      FileHandle.standardError.write(Data("dropscope: error: \(message)\n".utf8))
    }
  }

  struct TranscriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "transcript",
      abstract: "Write a capture (pcap or pcapng) as a plain-text SSE transcript, with secrets redacted.",
      discussion: "The transcript is readable, fit to attach to a ticket instead of the capture, and `dropscope analyze` reads it back."
    )

    @Argument(help: "A pcap or pcapng file (plain or gzipped), or '-' for standard input.")
    var capture: String

    @Option(name: .shortAndLong, help: "Write the transcript to this file instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("A TLS key log (SSLKEYLOGFILE, NSS format): decrypted sessions are written as plain text; may be repeated.", valueName: "FILE"))
    var keylog: [String] = []

    func run() throws {
      guard capture == "-" || FileManager.default.isReadableFile(atPath: capture) else {
        FileHandle.standardError.write(Data("dropscope: error: \(Redactor.redact(DropscopeError.unreadableInput(path: capture, reason: "no such file or not readable").description).text)\n".utf8))
        throw ExitCode(66)
      }
      let keyLog: TLSKeyLog
      do {
        keyLog = try TLSKeyLog.load(paths: keylog)
      } catch {
        FileHandle.standardError.write(Data("dropscope: error: \(Redactor.redact(error.description).text)\n".utf8))
        throw ExitCode(66)
      }
      let handle: FileHandle
      if let output {
        guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
          FileHandle.standardError.write(Data("dropscope: error: \(DropscopeError.unwritableOutput(path: output, reason: "cannot create the file").description)\n".utf8))
          throw ExitCode(73)
        }
        handle = file
      } else {
        handle = FileHandle.standardOutput
      }
      // Written as it goes: memory does not grow with the capture.
      Transcript.write(capture: capture, keyLog: keyLog) { handle.write(Data($0.utf8)) }
      if output != nil { try handle.close() }
    }
  }

  /// `input=3,output=15`: dollars per million input and output tokens.
  struct TokenPrice: ExpressibleByArgument {
    /// The highest price taken, far above any model's: larger ones are typing errors, and overflow the money figures.
    static let highest = 1_000_000.0
    var input: Double
    var output: Double

    init?(argument: String) {
      var input: Double?
      var output: Double?
      for part in argument.split(separator: ",") {
        let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard pair.count == 2, let value = Double(pair[1]) else { return nil }
        switch pair[0] {
        case "input": input = value
        case "output": output = value
        default: return nil
        }
      }
      guard let input else { return nil }
      self.input = input
      self.output = output ?? 0
    }
  }

  enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case markdown, json, jira, html, trace

    var format: ReportFormat { ReportFormat(rawValue: rawValue)! }
  }

  enum DetailLevel: String, ExpressibleByArgument, CaseIterable {
    case summary, full

    var level: ReportDetail { ReportDetail(rawValue: rawValue)! }
  }
}
