import Foundation
import Testing

@testable import DropscopeCore

/// Captured TLS sessions read with their key logs: the verdicts of plain text, the metadata path without keys or
/// with wrong ones, transcripts of the plain text, and tshark's decryption of the same bytes.
@Suite struct TLSCaptureTests {
  static let suites = TestSupport.fixtures.appendingPathComponent("TLS/suites.pcap")
  static let suitesKeyLog = TestSupport.fixtures.appendingPathComponent("TLS/suites.keylog")
  static let sample = TestSupport.sampleLogs.appendingPathComponent("38-capture-tls-keylog")

  static func keyLog(_ url: URL) throws -> TLSKeyLog { try TLSKeyLog.load(paths: [url.path]) }

  static func analyze(_ capture: URL, keyLog: TLSKeyLog = TLSKeyLog(), threads: Int = 1) -> Report {
    var options = AnalysisOptions()
    options.keyLog = keyLog
    options.captureThreads = threads
    return Analyzer(options: options).analyze([AnalysisInput(path: capture.path, displayName: capture.lastPathComponent)])
  }

  /// curl over TLS 1.2 (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305) and TLS 1.3 (AES-256-GCM, ChaCha20-Poly1305):
  /// every session decrypts, and each request gets its plain-text verdict.
  @Test(arguments: [1, 3]) func everySuiteDecryptsToThePlainTextVerdicts(threads: Int) throws {
    let report = Self.analyze(Self.suites, keyLog: try Self.keyLog(Self.suitesKeyLog), threads: threads)
    #expect(report.warnings.isEmpty)
    #expect(report.streams.map(\.cause?.rawValue) == [nil, "server_close_during_delta", nil, "server_close_during_delta", nil])
    #expect(report.streams.map(\.confidence) == [.high, .high, .high, .high, .high])
    #expect(report.streams.map(\.status) == [200, 200, 200, 200, 200])
    #expect(report.notes.contains { $0.contains("decrypted `suites.pcap` 5 of 5 TLS sessions") })
  }

  /// The anthropic SDK's capture: with its key log the FIN mid-delta is a server close during deltas, high; without
  /// keys, or with a key log whose secrets are wrong, it is read from record sizes (medium), and the wrong keys warn.
  @Test func wrongOrMissingKeysKeepTheMetadataVerdict() throws {
    let capture = Self.sample.appendingPathComponent("capture.pcap")
    let right = try Self.keyLog(Self.sample.appendingPathComponent("sslkeylog.txt"))
    let decrypted = Self.analyze(capture, keyLog: right)
    #expect(decrypted.streams.map(\.cause?.rawValue) == [nil, "server_close_during_delta"])
    #expect(decrypted.streams.map(\.confidence) == [.high, .high])
    #expect(decrypted.streams.map(\.requestID).allSatisfy { $0?.hasPrefix("req_") == true })

    let plain = Self.analyze(capture)
    #expect(plain.warnings.isEmpty)
    #expect(!plain.notes.contains { $0.contains("key log") })

    // Every secret with one bit flipped: the records do not verify.
    let text = try String(contentsOf: Self.sample.appendingPathComponent("sslkeylog.txt"), encoding: .utf8)
    var wrong = TLSKeyLog()
    wrong.add(text: Array(text.split(separator: "\n").map { line -> String in
      guard !line.hasPrefix("#") else { return String(line) }
      var fields = line.split(separator: " ").map(String.init)
      fields[2] = (fields[2].first == "0" ? "1" : "0") + fields[2].dropFirst()
      return fields.joined(separator: " ")
    }.joined(separator: "\n").utf8))
    let withWrongKeys = Self.analyze(capture, keyLog: wrong)
    #expect(withWrongKeys.warnings.count == 2)
    #expect(withWrongKeys.warnings.allSatisfy { $0.message.contains("do not decrypt") && $0.message.contains("127.0.0.1:") })
    #expect(withWrongKeys.streams.map(\.cause?.rawValue) == plain.streams.map(\.cause?.rawValue))
    #expect(withWrongKeys.streams.map(\.confidence) == plain.streams.map(\.confidence))
  }

  /// A key log for other sessions: each session says its keys are missing.
  @Test func keysOfOtherSessionsAreMissingKeys() throws {
    let report = Self.analyze(Self.sample.appendingPathComponent("capture.pcap"), keyLog: try Self.keyLog(Self.suitesKeyLog))
    #expect(report.warnings.count == 2)
    #expect(report.warnings.allSatisfy { $0.message.contains("has no secrets for this session") })
  }

  /// The transcript of a decrypted capture holds the plain text, redacted, and reads back to the same verdicts.
  @Test func theTranscriptOfADecryptedCaptureReadsBackToTheSameVerdicts() throws {
    let capture = Self.sample.appendingPathComponent("capture.pcap")
    let keyLog = try Self.keyLog(Self.sample.appendingPathComponent("sslkeylog.txt"))
    let text = Transcript.render(capture: capture.path, keyLog: keyLog)
    #expect(text.contains("HTTP/1.1 200 OK"))
    #expect(text.contains("event: message_start"))
    #expect(!text.contains("\\x16\\x03"))  // no TLS handshake bytes: the session is written as its plain text
    let secrets = try String(contentsOf: Self.sample.appendingPathComponent("sslkeylog.txt"), encoding: .utf8)
      .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0.split(separator: " ")[2]) }
    #expect(secrets.allSatisfy { !text.contains($0) })
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("decrypted.transcript")
    try text.write(to: url, atomically: true, encoding: .utf8)
    let readBack = Self.analyze(url)
    let direct = Self.analyze(capture, keyLog: keyLog)
    #expect(readBack.streams.map(\.cause?.rawValue) == direct.streams.map(\.cause?.rawValue))
    #expect(readBack.streams.map(\.confidence) == direct.streams.map(\.confidence))
    #expect(readBack.streams.map(\.eventsReceived) == direct.streams.map(\.eventsReceived))
    #expect(readBack.streams.map(\.requestID) == direct.streams.map(\.requestID))
  }

  /// tshark, given the same key log, decrypts the same application bytes: per connection and direction, the same
  /// byte counts, and one HTTP response with the same status per connection.
  @Test func tsharkDecryptsTheSameBytes() throws {
    guard let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else { return }  // tshark is not installed: nothing to compare with
    let keyLog = try Self.keyLog(Self.suitesKeyLog)
    // Ours: the decrypted bytes each connection's observer sees, by context and direction.
    final class Discard: FactSink {
      func accept(_ fact: borrowing Fact) {}
      func inputEnded(_ input: Int) {}
    }
    let reader = CaptureReader(input: 0, sink: Discard())
    var ours: [Int: (client: Int, server: Int)] = [:]
    var clients: [Int: String] = [:]
    reader.observer = { record in
      if case .open = record.kind { clients[record.connection] = record.source }
      guard case .data(let bytes) = record.kind else { return }
      var counts = ours[record.connection] ?? (0, 0)
      if record.source == clients[record.connection] { counts.client += bytes.count } else { counts.server += bytes.count }
      ours[record.connection] = counts
    }
    reader.keyring = TLSKeyring(keyLog)
    var file = CaptureFileReader()
    let data = try Data(contentsOf: Self.suites)
    data.withUnsafeBytes { file.feed($0) { reader.read($0) } }
    reader.finish()
    #expect(reader.decryption.decrypted == 5)

    var arguments = ["-r", Self.suites.path, "-o", "tls.keylog_file:\(Self.suitesKeyLog.path)", "-q"]
    for stream in 0..<5 { arguments += ["-z", "follow,tls,raw,\(stream)"] }
    let follow = try TestSupport.run(URL(fileURLWithPath: tshark), arguments)
    // Each follow block: `Filter: tcp.stream eq N`, then hex lines, the server's indented with a tab.
    var theirs: [Int: (client: Int, server: Int)] = [:]
    var stream = -1
    var nodeZeroIsClient = true
    for line in follow.stdout.split(separator: "\n") {
      if line.hasPrefix("Filter: tcp.stream eq ") { stream = Int(line.split(separator: " ").last ?? "") ?? -1 }
      // Node 0 is the side whose decrypted bytes came first, not always the client.
      if line.hasPrefix("Node 0: ") { nodeZeroIsClient = line.dropFirst(8) == clients[stream + 1] ?? "" }
      let hex = line.drop { $0 == "\t" }
      guard stream >= 0, !hex.isEmpty, hex.allSatisfy(\.isHexDigit) else { continue }
      var counts = theirs[stream] ?? (0, 0)
      if line.hasPrefix("\t") != nodeZeroIsClient { counts.client += hex.count / 2 } else { counts.server += hex.count / 2 }
      theirs[stream] = counts
    }
    #expect(theirs.count == 5)
    for (stream, counts) in theirs {
      let mine = ours[stream + 1]
      #expect(mine?.client == counts.client, "connection \(stream + 1): client bytes")
      #expect(mine?.server == counts.server, "connection \(stream + 1): server bytes")
    }
    let responses = try TestSupport.run(URL(fileURLWithPath: tshark), [
      "-r", Self.suites.path, "-o", "tls.keylog_file:\(Self.suitesKeyLog.path)", "-o", "http.desegment_body:FALSE",
      "-Y", "http.response", "-T", "fields", "-e", "tcp.stream", "-e", "http.response.code",
    ])
    let statuses = responses.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
    #expect(statuses.map { $0.last } == ["200", "200", "200", "200", "200"])
    let report = Self.analyze(Self.suites, keyLog: keyLog)
    #expect(report.streams.map { $0.status.map(String.init) } == statuses.map { $0.last })
  }
}
