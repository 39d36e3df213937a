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
        Exit status: 0 when the analysis ran (whatever it found); 1 with --fail-on-drops when a stream failed; \
        64 for bad flags; 66 when an input cannot be read.
        """
    )

    @Argument(help: "Log files or folders to analyze, or '-' for standard input.")
    var paths: [String]

    @Option(name: .shortAndLong, help: "Report format: markdown or json.")
    var format: OutputFormat = .markdown

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Flag(help: "Exit with status 1 when any stream failed.")
    var failOnDrops = false

    @Flag(help: "Do not show progress on standard error.")
    var quiet = false

    @Option(help: ArgumentHelp("Prices per million tokens, to put a money figure on the drops.", valueName: "input=3,output=15"))
    var price: TokenPrice?

    @Option(help: ArgumentHelp("The day of a curl trace's times of day (curl prints no date); default: the file's modification date.", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("The zone of a curl trace's times of day; default: UTC.", valueName: "+01:00"))
    var tz: String?

    @Option(help: ArgumentHelp("A TLS key log (SSLKEYLOGFILE, NSS format) to decrypt the TLS sessions of captures; may be repeated. Its secrets are never printed.", valueName: "FILE"))
    var keylog: [String] = []

    @Option(help: ArgumentHelp("Threads that read a capture's connections; default: one per processor, up to 4. The report is the same whatever the number.", valueName: "N"))
    var threads: Int?

    func validate() throws {
      if let date, AnalysisOptions.midnight(of: date) == nil { throw ValidationError("--date takes a day as YYYY-MM-DD, for example 2026-11-22") }
      if let tz, AnalysisOptions.utcOffsetMinutes(tz) == nil { throw ValidationError("--tz takes an offset from UTC, for example +01:00, -05:00 or UTC") }
      if let price, price.input < 0 || price.output < 0 { throw ValidationError("--price takes non-negative prices") }
      if let threads, !(1...64).contains(threads) { throw ValidationError("--threads takes a number from 1 to 64") }
    }

    func run() throws {
      let inputs: [AnalysisInput]
      do {
        inputs = try AnalysisInput.expand(paths)
      } catch let error as DropscopeError {
        printError(error.description)
        throw ExitCode(66)
      }
      var options = AnalysisOptions()
      if let price { options.pricePerMillion = (price.input, price.output) }
      options.curlDate = date.flatMap(AnalysisOptions.midnight(of:))
      options.curlUTCOffsetMinutes = tz.flatMap(AnalysisOptions.utcOffsetMinutes)
      if let threads { options.captureThreads = threads }
      do {
        options.keyLog = try TLSKeyLog.load(paths: keylog)
      } catch {
        printError(error.description)
        throw ExitCode(66)
      }
      var analyzer = Analyzer(options: options)
      if !quiet, isatty(2) != 0 {
        analyzer.onInputStart = { name in
          FileHandle.standardError.write(Data("dropscope: reading \(name)\n".utf8))
        }
      }
      let report = analyzer.analyze(inputs)
      let text = try format.format.renderer.render(report)
      if let output {
        do {
          try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
          printError(DropscopeError.unwritableOutput(path: output, reason: error.localizedDescription).description)
          throw ExitCode(73)
        }
      } else {
        FileHandle.standardOutput.write(Data(text.utf8))
      }
      if failOnDrops, report.counts.failed > 0 { throw ExitCode(1) }
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

    @Argument(help: "A pcap or pcapng file (plain or gzipped).")
    var capture: String

    @Option(name: .shortAndLong, help: "Write the transcript to this file instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("A TLS key log (SSLKEYLOGFILE, NSS format): decrypted sessions are written as plain text; may be repeated.", valueName: "FILE"))
    var keylog: [String] = []

    func run() throws {
      guard FileManager.default.isReadableFile(atPath: capture) else {
        FileHandle.standardError.write(Data("dropscope: error: \(DropscopeError.unreadableInput(path: capture, reason: "no such file or not readable").description)\n".utf8))
        throw ExitCode(66)
      }
      let keyLog: TLSKeyLog
      do {
        keyLog = try TLSKeyLog.load(paths: keylog)
      } catch {
        FileHandle.standardError.write(Data("dropscope: error: \(error.description)\n".utf8))
        throw ExitCode(66)
      }
      let text = Transcript.render(capture: capture, keyLog: keyLog)
      if let output {
        try text.write(toFile: output, atomically: true, encoding: .utf8)
      } else {
        FileHandle.standardOutput.write(Data(text.utf8))
      }
    }
  }

  /// `input=3,output=15`: dollars per million input and output tokens.
  struct TokenPrice: ExpressibleByArgument {
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
    case markdown, json

    var format: ReportFormat { self == .markdown ? .markdown : .json }
  }
}
