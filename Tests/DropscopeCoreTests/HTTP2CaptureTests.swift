import Foundation
import Testing

@testable import DropscopeCore

/// HTTP/2 over TLS (incident 42): tshark, given the key log, sees the same streams, statuses, resets and GOAWAYs.
@Suite struct HTTP2CaptureTests {
  static let incident = TestSupport.sampleLogs.appendingPathComponent("42-capture-h2-tls-keylog")

  @Test func tsharkSeesTheSameStreamsAndEnds() throws {
    guard let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else { return }  // tshark is not installed: nothing to compare with
    let capture = Self.incident.appendingPathComponent("capture.pcap")
    let keyLog = Self.incident.appendingPathComponent("sslkeylog.txt")
    let out = try TestSupport.run(URL(fileURLWithPath: tshark), [
      "-r", capture.path, "-o", "tls.keylog_file:\(keyLog.path)", "-Y", "http2.type == 1 || http2.type == 3 || http2.type == 7",
      "-T", "fields", "-e", "tcp.stream", "-e", "http2.headers.status", "-e", "http2.rst_stream.error", "-e", "http2.goaway.error",
    ])
    var statuses: [String] = [], resets: [Int] = [], goAways: [Int] = []
    for line in out.stdout.split(separator: "\n") {
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard f.count == 4, let stream = Int(f[0]) else { continue }
      if !f[1].isEmpty { statuses.append(f[1]) }
      if !f[2].isEmpty { resets.append(stream + 1) }
      if !f[3].isEmpty { goAways.append(stream + 1) }
    }
    var options = AnalysisOptions()
    options.keyLog = try TLSKeyLog.load(paths: [keyLog.path])
    let report = Analyzer(options: options).analyze([AnalysisInput(path: capture.path, displayName: "capture.pcap")])
    #expect(report.warnings.isEmpty)
    #expect(report.streams.map { $0.status.map(String.init) } == statuses)
    // The stream tshark saw reset, and the one under the GOAWAY, are the server-side closes dropscope cites.
    for id in resets {
      #expect(report.streams[id - 1].evidence.contains { $0.quote?.contains("server RST_STREAM") == true })
    }
    for id in goAways {
      #expect(report.streams[id - 1].evidence.contains { $0.quote?.contains("server GOAWAY") == true })
    }
    #expect(resets.count == 1 && goAways.count == 1)
  }
}
