import ArgumentParser
import DropscopeCore
import Foundation

@main
struct Dropscope: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dropscope",
    abstract: "Diagnose dropped LLM-API streams from incident logs.",
    version: DropscopeVersion.current,
    subcommands: [Analyze.self],
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

    func run() throws {
      let inputs: [AnalysisInput]
      do {
        inputs = try AnalysisInput.expand(paths)
      } catch let error as DropscopeError {
        printError(error.description)
        throw ExitCode(66)
      }
      var analyzer = Analyzer()
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

  enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case markdown, json

    var format: ReportFormat { self == .markdown ? .markdown : .json }
  }
}
