import DropscopeCore

/// One parser to fuzz, reached the way a user's input reaches it: the bytes are an input file to `Analyzer.analyze`,
/// as they are or shaped into what that parser reads, and the report is rendered as `dropscope analyze` renders it.
enum FuzzTarget: String, CaseIterable, Sendable {
  /// Gzip inflation and line splitting: the bytes are a (gzip) input file.
  case gzip
  /// The log reader and line classifier: the bytes are a plain-text log.
  case log
  /// JSON records: the bytes are a JSON-lines log.
  case json
  /// Envelopes (journalctl, CRI, syslog, JSON wrappers): the bytes are an enveloped log.
  case envelope
  /// pcap and pcapng files, with TLS sessions decrypted from embedded keys: the bytes are a capture file.
  case pcap
  /// TCP reassembly, HTTP/1.1 and SSE: the bytes are the segments of one TCP connection to port 80.
  case tcp
  /// TLS records: the bytes are the segments of one TCP connection to port 443.
  case tls
  /// HTTP/2 frames and HPACK: the bytes are the segments of one h2c connection after the client preface.
  case http2
  /// curl `--trace` / `--trace-ascii` / `-v` output: the bytes are a trace file.
  case curl
  /// HAR archives: the bytes are a HAR file.
  case har
  /// dropscope's own transcripts: the bytes are a transcript file.
  case transcript

  /// Runs `bytes` through this target's reading path.
  /// - Returns: the rendered report (never empty: a report always has a title).
  @discardableResult
  func run(_ bytes: UnsafeRawBufferPointer) -> String {
    switch self {
    case .gzip, .log, .json, .envelope, .pcap, .curl, .har, .transcript:
      return FuzzTarget.analyze(bytes)
    case .tcp:
      return FuzzTarget.analyze(WireCapture(bytes, serverPort: 80).pcap)
    case .tls:
      return FuzzTarget.analyze(WireCapture(bytes, serverPort: 443).pcap)
    case .http2:
      return FuzzTarget.analyze(WireCapture(bytes, serverPort: 80, clientPreface: WireCapture.http2Preface).pcap)
    }
  }

  /// Analyzes `bytes` as one input file and renders the report as Markdown, secrets redacted.
  static func analyze(_ bytes: UnsafeRawBufferPointer) -> String {
    analyze(Array(bytes))
  }

  /// Analyzes `bytes` as one input file and renders the report as Markdown, secrets redacted.
  static func analyze(_ bytes: [UInt8]) -> String {
    let file = MemoryFile.shared
    file.replace(with: bytes)
    var options = AnalysisOptions()
    options.captureThreads = 1
    let report = Analyzer(options: options).analyze([AnalysisInput(path: file.path, displayName: "fuzz-input")])
    return (try? RedactingRenderer(ReportFormat.markdown.renderer).render(report)) ?? "(the report could not be rendered)"
  }
}
