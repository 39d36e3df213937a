import Foundation
import XCTest

@testable import DropscopeCore

/// Logs in the envelopes platforms keep them in read as the plain log does: the sample incidents wrapped in every
/// envelope give the same verdicts; each envelope's records, hand-written, unwrap to the right lines, times and contexts.
final class EnvelopeTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = try TestSupport.temporaryDirectory()
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  // MARK: - Every sample log in every envelope

  /// The sample incidents' application logs (not captures, traces or HAR files), decompressed.
  func sampleLogs() throws -> [(name: String, text: String)] {
    var logs: [(String, String)] = []
    let incidents = try FileManager.default.contentsOfDirectory(at: TestSupport.sampleLogs, includingPropertiesForKeys: nil)
      .filter(\.hasDirectoryPath).sorted { $0.lastPathComponent < $1.lastPathComponent }
    for incident in incidents {
      let files = try FileManager.default.contentsOfDirectory(at: incident, includingPropertiesForKeys: nil)
        .filter { !$0.lastPathComponent.hasPrefix("expected-") }.sorted { $0.lastPathComponent < $1.lastPathComponent }
      for file in files {
        let kind = InputDecoder.sniffDecodedKind(AnalysisInput(path: file.path).opened())
        guard kind == .gzip || kind == .text || kind == .json else { continue }
        let data = try Data(contentsOf: file)
        let bytes = kind == .gzip ? try gunzip(file) : data
        logs.append(("\(incident.lastPathComponent)/\(file.lastPathComponent)", String(decoding: bytes, as: UTF8.self)))
      }
    }
    return logs
  }

  func gunzip(_ file: URL) throws -> Data {
    let result = try TestSupport.run(URL(fileURLWithPath: "/bin/gzip"), ["-dc", file.path])
    return Data(result.stdout.utf8)
  }

  /// What a test compares: each stream's outcome and cause, and its request id, in the report's order.
  func verdicts(_ report: Report) -> [String] {
    report.streams.map { "\($0.requestID ?? "-") \($0.outcome.rawValue) \($0.cause?.rawValue ?? "-")" }.sorted()
  }

  func analyze(_ text: String, name: String) throws -> Report {
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return Analyzer().analyze([AnalysisInput(path: url.path, displayName: name)])
  }

  func testEverySampleLogGivesTheSameVerdictsInEveryEnvelope() throws {
    let logs = try sampleLogs()
    XCTAssertGreaterThan(logs.count, 20)
    var failures: [String] = []
    for (name, text) in logs {
      let plain = try analyze(text, name: "plain.log")
      // A sample recorded as a platform keeps it (46 in CRI, 47 in Docker's json-file) is already in its envelope:
      // the envelopes wrap what an application wrote, not another envelope.
      if plain.notes.contains(where: { $0.hasPrefix("Read as ") }) { continue }
      for envelope in EnvelopeConverter.allCases {
        let wrapped = try analyze(envelope.wrap(text), name: "wrapped.log")
        if verdicts(wrapped) != verdicts(plain) {
          failures.append("\(name) in \(envelope.rawValue):\n  plain:   \(verdicts(plain))\n  wrapped: \(verdicts(wrapped))")
        }
        if plain.timeSpan == nil, wrapped.timeSpan == nil {
          failures.append("\(name) in \(envelope.rawValue): the envelope's times gave the log no time span")
        }
        if wrapped.streams.count > 0, wrapped.warnings.contains(where: { $0.message.contains("did not fit") }) {
          failures.append("\(name) in \(envelope.rawValue): lines did not fit the envelope: \(wrapped.warnings.map(\.message))")
        }
      }
    }
    XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
  }

  // MARK: - Each envelope, hand-written

  /// Unwraps `text`, returning each line with its number, time and context name.
  func unwrap(_ text: String) -> (format: EnvelopeFormat?, lines: [(text: String, number: Int, time: String?, context: String)]) {
    var unwrapper = EnvelopeUnwrapper()
    var lines: [(String, Int, String?, String)] = []
    let contexts = unwrapper.contexts
    func emit(_ line: UnsafeRawBufferPointer, _ number: Int, _ origin: LineOrigin) {
      let context = origin.context == 0 ? "" : contexts.list[Int(origin.context) - 1].name
      lines.append((line.string(0..<line.count), number, origin.time.map(TimeFormatting.isoMicros), context))
    }
    var number = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      Array(line.utf8).withUnsafeBytes { unwrapper.feed($0, number: number, emit) }
    }
    unwrapper.finish(emit)
    return (unwrapper.format, lines)
  }

  func testDockerJSONFileRecordsUnwrapTheirLogAndJoinPartialRecords() {
    let (format, lines) = unwrap("""
      {"log":"2026-11-22 10:00:00,000 INFO [w] app: start\\n","stream":"stderr","time":"2026-11-22T10:00:00.000123456Z"}
      {"log":"Traceback (most recent call last):\\n","stream":"stderr","time":"2026-11-22T10:00:01.5Z"}
      {"log":"httpx.RemoteProtocolError: peer closed connection ","stream":"stderr","time":"2026-11-22T10:00:01.6Z"}
      {"log":"without sending complete message body\\n","stream":"stderr","time":"2026-11-22T10:00:01.6Z"}
      {"log":"caf\\u00e9 \\ud83d\\ude00 done\\n","stream":"stdout","time":"2026-11-22T10:00:02Z"}
      """)
    XCTAssertEqual(format, .dockerJSON)
    XCTAssertEqual(lines.map(\.text), [
      "2026-11-22 10:00:00,000 INFO [w] app: start", "Traceback (most recent call last):",
      "httpx.RemoteProtocolError: peer closed connection without sending complete message body", "café 😀 done",
    ])
    XCTAssertEqual(lines.map(\.number), [1, 2, 3, 5])
    XCTAssertEqual(lines[1].time, "2026-11-22T10:00:01.500000Z")
    XCTAssertEqual(lines.map(\.context), ["stderr", "stderr", "stderr", "stdout"])
  }

  func testJSONStringsEndAtTheirUnescapedQuote() {
    let (format, lines) = unwrap(#"""
      {"log":"C:\\dir\\ said \"hi\\\" there\"\n","stream":"stdout","time":"2026-11-22T10:00:00Z"}
      {"log":"\\","stream":"stdout","time":"2026-11-22T10:00:01Z"}
      {"log":"\n","stream":"stdout","time":"2026-11-22T10:00:02Z"}
      """#)
    XCTAssertEqual(format, .dockerJSON)
    XCTAssertEqual(lines.map(\.text), [#"C:\dir\ said "hi\" there""#, "\\"])
  }

  func testDockerJSONFileIsNotTakenForAHAR() throws {
    let record = #"{"log":"2026-11-22 10:00:00,000 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages \"HTTP/1.1 200 OK\"\n","stream":"stderr","time":"2026-11-22T10:00:00Z"}"#
    let head = Array(record.utf8)
    XCTAssertEqual(head.withUnsafeBytes { InputKind.sniff(decoded: $0) }, .json)
    let report = try analyze(EnvelopeConverter.dockerJSON.wrap(InputTests.goodLog), name: "container-json.log")
    XCTAssertEqual(report.streams.count, 1)
    XCTAssertEqual(report.streams.first?.cause, .serverCloseDuringDelta)
  }

  func testCRIRecordsJoinPartsWithinTheirStream() {
    let (format, lines) = unwrap("""
      2026-11-22T10:00:00.123456789Z stdout P first part of a long line,
      2026-11-22T10:00:00.200000000Z stderr F Traceback (most recent call last):
      2026-11-22T10:00:00.123456789Z stdout F  and its end
      2026-11-22T10:00:01+00:00 stderr F
      """)
    XCTAssertEqual(format, .cri)
    XCTAssertEqual(lines.map(\.text), ["Traceback (most recent call last):", "first part of a long line, and its end", ""])
    XCTAssertEqual(lines.map(\.number), [2, 1, 4])
    XCTAssertEqual(lines.map(\.context), ["stderr", "stdout", "stderr"])
    XCTAssertEqual(lines[1].time, "2026-11-22T10:00:00.123456Z")
  }

  func testKubectlPrefixAndTimestampsNameThePodAndContainer() {
    let (format, lines) = unwrap("""
      [pod/api-1/app] 2026-11-22T10:00:00.5Z 2026-11-22 10:00:00,500 INFO [w] app: one
      [pod/api-2/app] 2026-11-22T10:00:00.6Z Traceback (most recent call last):
      [pod/api-1/app] 2026-11-22T10:00:00.7Z plain text
      """)
    XCTAssertEqual(format, .timestamped)
    XCTAssertEqual(lines.map(\.context), ["pod/api-1/app", "pod/api-2/app", "pod/api-1/app"])
    XCTAssertEqual(lines[1].text, "Traceback (most recent call last):")
    XCTAssertEqual(lines[2].time, "2026-11-22T10:00:00.700000Z")
  }

  func testDockerComposePrefixesNameTheContainer() {
    let (format, lines) = unwrap("""
      api-1     | 2026-11-22 10:00:00,000 INFO [w] app: one
      worker-12 | Traceback (most recent call last):
      api-1     |
      """)
    XCTAssertEqual(format, .timestamped)
    XCTAssertEqual(lines.map(\.text), ["2026-11-22 10:00:00,000 INFO [w] app: one", "Traceback (most recent call last):", ""])
    XCTAssertEqual(lines.map(\.context), ["api-1", "worker-12", "api-1"])
  }

  func testKubectlTimestampsBeforeABasicConfigRecordAreAnEnvelope() {
    let (format, lines) = unwrap("""
      2026-11-22T10:00:00.123456789Z INFO:httpx:HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22T10:00:00.2Z ERROR:app:stream failed
      """)
    XCTAssertEqual(format, .timestamped)
    XCTAssertEqual(lines.map(\.text).first, #"INFO:httpx:HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK""#)
  }

  func testAnApplicationsOwnISOTimeIsNotAnEnvelope() {
    let (format, lines) = unwrap("""
      2026-11-22T10:00:00.500Z INFO app: one
      2026-11-22T10:00:00.600Z ERROR app: two
      """)
    XCTAssertNil(format)
    XCTAssertEqual(lines.first?.text, "2026-11-22T10:00:00.500Z INFO app: one")
  }

  func testJournalctlShortFormsAndContinuationLines() {
    let (format, lines) = unwrap("""
      -- Logs begin at Sun 2026-11-22 00:00:00 UTC. --
      Nov 22 10:00:00.250000 node-1 python3[4242]: Traceback (most recent call last):
      Nov 22 10:00:00.250001 node-1 python3[4243]: other process
      2026-11-22T10:00:01+0000 node-1 python3[4242]: httpx.ReadError
      Nov 22 10:00:02 node-1 app[7]: first line of a message
                                     its second line
      """)
    XCTAssertEqual(format, .syslog)
    XCTAssertEqual(lines.map(\.text), ["Traceback (most recent call last):", "other process", "httpx.ReadError",
                                       "first line of a message", "its second line"])
    XCTAssertEqual(lines.map(\.context), ["node-1 python3[4242]", "node-1 python3[4243]", "node-1 python3[4242]",
                                          "node-1 app[7]", "node-1 app[7]"])
    XCTAssertEqual(lines[0].time, "2026-11-22T10:00:00.250000Z")
    XCTAssertEqual(lines[4].number, 5)
  }

  /// journalctl's own output (`Fixtures/Envelopes/make-journald.py` says how it was made with systemd 252).
  func testJournalctlOutputMadeByTheRealToolsUnwraps() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("Envelopes")
    for (name, source, precise) in [
      ("short", "node-1 python3[4242]", false), ("short-iso", "node-1 python3[4242]", false),
      ("short-precise", "node-1 python3[4242]", true), ("short-iso-precise", "node-1 python3[4242]", true),
      ("short-full", "node-1 python3[4242]", false), ("short-unix", "node-1 python3[4242]", true),
      ("json", "python3[4242]", true),
    ] {
      let text = try String(contentsOf: folder.appendingPathComponent("journalctl-\(name).txt"), encoding: .utf8)
      let (format, lines) = unwrap(text)
      XCTAssertEqual(format, name == "json" ? .journalJSON : .syslog, name)
      XCTAssertEqual(lines.count, 8, name)
      XCTAssertEqual(lines[2].text, "Traceback (most recent call last):", name)
      XCTAssertEqual(lines[3].text, #"  File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events"#, name)
      XCTAssertEqual(lines[6].text, "its second line", name)
      XCTAssertEqual(lines[6].number, lines[5].number, name)
      XCTAssertEqual(Set(lines.map(\.context)), [source], name)
      XCTAssertEqual(lines[2].time, precise ? "2026-11-22T10:00:00.150000Z" : "2026-11-22T10:00:00.000000Z", name)
      if name == "json" { XCTAssertEqual(lines[7].text, "caf\u{FFFD} not UTF-8") }

      let report = try analyze(text, name: "journal-\(name).txt")
      XCTAssertEqual(report.streams.map(\.cause), [.serverCloseDuringDelta], name)
      XCTAssertEqual(report.streams.first?.context, "\(source) w", name)
      XCTAssertEqual(report.streams.first?.silenceBeforeEnd ?? -1, precise ? 0.05 : 0, accuracy: 0.001, name)
    }
  }

  /// `aws logs tail` (detailed): the time with microseconds and `+00:00`, the log stream, the message; a multi-line
  /// event's further lines follow bare and belong to its record (awscli/customizations/logs/tail.py).
  func testAWSLogsTailGivesStreamsAndKeepsMultiLineEventsTogether() {
    let (format, lines) = unwrap("""
      2026-11-22T10:00:00.250000+00:00 app/web/0f3e 2026-11-22 10:00:00,250 INFO [w] app: start
      2026-11-22T10:00:01.500000+00:00 2026/11/22/[$LATEST]ab12 Traceback (most recent call last):
        File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events
      httpx2.RemoteProtocolError: peer closed connection without sending complete message body
      2026-11-22T10:00:02.000000+00:00 app/web/0f3e done
      """)
    XCTAssertEqual(format, .timestamped)
    XCTAssertEqual(lines.map(\.text), ["2026-11-22 10:00:00,250 INFO [w] app: start", "Traceback (most recent call last):",
                                       #"  File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events"#,
                                       "httpx2.RemoteProtocolError: peer closed connection without sending complete message body",
                                       "done"])
    XCTAssertEqual(lines.map(\.context), ["app/web/0f3e", "2026/11/22/[$LATEST]ab12", "2026/11/22/[$LATEST]ab12",
                                          "2026/11/22/[$LATEST]ab12", "app/web/0f3e"])
    XCTAssertEqual(lines.map(\.number), [1, 2, 2, 2, 5], "a further line cites its event's record")
    XCTAssertEqual(lines[3].time, "2026-11-22T10:00:01.500000Z")
  }

  func testJournalJSONReadsMessageStringsAndByteArrays() {
    let (format, lines) = unwrap("""
      {"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1795341600250000","_PID":"4242","SYSLOG_IDENTIFIER":"python3","MESSAGE":"line one"}
      {"__CURSOR":"s=2","__REALTIME_TIMESTAMP":"1795341600260000","_PID":"4242","SYSLOG_IDENTIFIER":"python3","MESSAGE":[99,97,102,233,10,50]}
      """)
    XCTAssertEqual(format, .journalJSON)
    XCTAssertEqual(lines.count, 3)
    XCTAssertEqual(lines[0].text, "line one")
    XCTAssertEqual(lines[0].time, "2026-11-22T10:00:00.250000Z")
    XCTAssertEqual(lines[1].text, "caf\u{FFFD}")
    XCTAssertEqual(lines[2].text, "2")
    XCTAssertEqual(lines[2].number, 2)
    XCTAssertEqual(lines[0].context, "python3[4242]")
  }

  func testSyslogRFC5424SkipsStructuredDataAndTheBOM() {
    let (format, lines) = unwrap("""
      <165>1 2026-11-22T10:00:00.003Z host-a evntslog 1234 ID47 [exampleSDID@32473 iut="3" note="a \\] b"] \u{FEFF}An application event
      <34>1 2026-11-22T10:00:01Z host-a su - ID47 - 'su root' failed
      <34>1 - host-b app - - -
      """)
    XCTAssertEqual(format, .syslog5424)
    XCTAssertEqual(lines.map(\.text), ["An application event", "'su root' failed", ""])
    XCTAssertEqual(lines.map(\.context), ["host-a evntslog[1234]", "host-a su", "host-b app"])
    XCTAssertEqual(lines[0].time, "2026-11-22T10:00:00.003000Z")
  }

  func testCloudWatchEventsExpandMultiLineMessagesInPlace() {
    let (format, lines) = unwrap("""
      {
          "events": [
              {
                  "logStreamName": "app/app/1",
                  "timestamp": 1795341600250,
                  "message": "2026-11-22 10:00:00,250 ERROR [w] app: failed\\nTraceback (most recent call last):\\nhttpx.ReadError",
                  "ingestionTime": 1795341600400,
                  "eventId": "1"
              },
              {
                  "logStreamName": "app/app/2",
                  "timestamp": 1795341600300,
                  "message": "other",
                  "ingestionTime": 1795341600400,
                  "eventId": "2"
              }
          ],
          "searchedLogStreams": []
      }
      """)
    XCTAssertEqual(format, .cloudWatch)
    XCTAssertEqual(lines.map(\.text), ["2026-11-22 10:00:00,250 ERROR [w] app: failed", "Traceback (most recent call last):",
                                       "httpx.ReadError", "other"])
    XCTAssertEqual(lines.map(\.number), [3, 3, 3, 10])
    XCTAssertEqual(lines.map(\.context), ["app/app/1", "app/app/1", "app/app/1", "app/app/2"])
    XCTAssertEqual(lines[3].time, "2026-11-22T10:00:00.300000Z")
  }

  func testCloudLoggingEntriesAreReadOldestFirstAndJSONPayloadsKeepTheirSeverity() {
    let (format, lines) = unwrap("""
      [
        {
          "jsonPayload": {"message": "stream failed", "logger": "app"},
          "logName": "projects/p/logs/stderr",
          "resource": {"labels": {"pod_name": "api-1", "container_name": "app", "project_id": "p"}, "type": "k8s_container"},
          "severity": "ERROR",
          "timestamp": "2026-11-22T10:00:01.5Z"
        },
        {
          "textPayload": "first",
          "logName": "projects/p/logs/stdout",
          "resource": {"labels": {"instance_id": "42", "zone": "us-central1-a", "project_id": "p"}, "type": "gce_instance"},
          "timestamp": "2026-11-22T10:00:00Z"
        }
      ]
      """)
    XCTAssertEqual(format, .cloudLogging)
    XCTAssertEqual(lines.map(\.text), ["first", #"{"message": "stream failed", "logger": "app","severity":"ERROR"}"#])
    XCTAssertEqual(lines.map(\.context), ["42/us-central1-a stdout", "api-1/app stderr"])
    XCTAssertEqual(lines.map(\.number), [9, 2])
  }

  // MARK: - Contexts, times and the all-clear

  func testATracebackSplitOverRecordsIsRebuiltWithinItsPodWhileAnotherPodWrites() throws {
    let text = """
      [pod/api-1/app] 2026-11-22T10:00:00.000Z 2026-11-22 10:00:00,000 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      [pod/api-2/app] 2026-11-22T10:00:00.010Z 2026-11-22 10:00:00,010 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      [pod/api-1/app] 2026-11-22T10:00:00.100Z 2026-11-22 10:00:00,100 DEBUG [w] app: event content_block_delta
      [pod/api-2/app] 2026-11-22T10:00:00.110Z 2026-11-22 10:00:00,110 DEBUG [w] app: event content_block_delta
      [pod/api-1/app] 2026-11-22T10:00:00.150Z Traceback (most recent call last):
      [pod/api-2/app] 2026-11-22T10:00:00.160Z 2026-11-22 10:00:00,160 DEBUG [w] app: event message_stop
      [pod/api-1/app] 2026-11-22T10:00:00.150Z   File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events
      [pod/api-2/app] 2026-11-22T10:00:00.170Z 2026-11-22 10:00:00,170 INFO [w] app: done
      [pod/api-1/app] 2026-11-22T10:00:00.150Z httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
      """
    let report = try analyze(text, name: "kubectl.log")
    XCTAssertEqual(report.streams.count, 2)
    let failed = try XCTUnwrap(report.streams.first { $0.outcome == .failed })
    XCTAssertEqual(failed.context, "pod/api-1/app w")
    XCTAssertEqual(failed.cause, .serverCloseDuringDelta)
    XCTAssertEqual(failed.silenceBeforeEnd ?? 0, 0.05, accuracy: 0.001, "the uncaught traceback takes its record's time")
    XCTAssertEqual(report.streams.first { $0.outcome == .completed }?.context, "pod/api-2/app w")
    XCTAssert(report.notes.contains { $0.contains("Read as `kubectl logs`") })
  }

  func testAnUncaughtTracebackOnStderrBelongsToTheCallItsRecordsOnStdoutWereMaking() throws {
    func record(_ line: String, _ stream: String, _ time: String) -> String {
      "{\"log\":\(EnvelopeConverter.json(line + "\n")),\"stream\":\"\(stream)\",\"time\":\"2026-11-22T10:00:\(time)Z\"}"
    }
    let text = [
      record(#"2026-11-22 10:00:00,000 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK""#, "stdout", "00.000"),
      record("2026-11-22 10:00:00,100 DEBUG [w] app: event content_block_delta", "stdout", "00.100"),
      record("Traceback (most recent call last):", "stderr", "00.150"),
      record(#"  File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events"#, "stderr", "00.150"),
      record("httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)", "stderr", "00.150"),
    ].joined(separator: "\n") + "\n"
    let report = try analyze(text, name: "container-json.log")
    XCTAssertEqual(report.streams.map(\.cause), [.serverCloseDuringDelta])
    XCTAssertEqual(report.streams.first?.surfacedAs.map { $0.contains("RemoteProtocolError") }, true)
    XCTAssertEqual(report.streams.first?.silenceBeforeEnd ?? -1, 0.05, accuracy: 0.001)
  }

  func testAFileWithNoStreamSaysWhatItLookedLikeInsteadOfAnAllClear() throws {
    let text = (1...30).map { "GET /health 200 \($0)ms" }.joined(separator: "\n") + "\n"
    let report = try analyze(text, name: "access.log")
    XCTAssertEqual(report.streams.count, 0)
    let warning = try XCTUnwrap(report.warnings.first { $0.input == "access.log" })
    XCTAssert(warning.message.contains("no API stream was found"), warning.message)
    XCTAssert(warning.message.contains("It looked like plain text; the first line not understood is line 1: `GET /health 200 1ms`"), warning.message)
    XCTAssert(warning.message.contains("dropscope expects"), warning.message)
    let markdown = try MarkdownRenderer().render(report)
    XCTAssertFalse(markdown.contains("Every stream completed"))
    XCTAssert(markdown.contains("No stream was found"))
  }

  func testALogMostlyNotUnderstoodIsWarnedAboutEvenWithAStream() throws {
    let noise = (1...40).map { "progress \($0)%" }.joined(separator: "\n")
    let report = try analyze(InputTests.goodLog + noise + "\n", name: "mixed.log")
    XCTAssertEqual(report.streams.count, 1)
    XCTAssert(report.warnings.contains { $0.message.contains("most of this file was not understood (6 of 46 lines") },
              report.warnings.map(\.message).joined(separator: "\n"))
  }

  func testEnvelopesAreSniffedTheSameInGzipFilesFoldersAndStandardInput() throws {
    let wrapped = EnvelopeConverter.cri.wrap(InputTests.goodLog)
    try Data(TestSupport.gzip(Array(wrapped.utf8))).write(to: directory.appendingPathComponent("0.log.20261122-101500.gz"))
    try Data(EnvelopeConverter.journalJSON.wrap(InputTests.goodLog).utf8).write(to: directory.appendingPathComponent("journal.json"))
    let inputs = try AnalysisInput.expand([directory.path])
    let report = Analyzer().analyze(inputs)
    XCTAssertEqual(report.streams.map(\.cause), [.serverCloseDuringDelta, .serverCloseDuringDelta])
    XCTAssert(report.notes.contains { $0.hasPrefix("Read as Kubernetes container (CRI) log") })
    XCTAssert(report.notes.contains { $0.hasPrefix("Read as `journalctl -o json` export") })

    let result = try TestSupport.run(TestSupport.dropscopeBinary(), ["analyze", "--format", "json", "-"], stdin: Data(wrapped.utf8))
    XCTAssert(result.stdout.contains("\"server_close_during_delta\""), result.stdout + result.stderr)
  }

  func testACaptureWithNoAPIStreamIsWarnedAbout() throws {
    func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    // One Ethernet frame carrying a UDP datagram (DNS-like), nothing of HTTP.
    let frame: [UInt8] = [UInt8](repeating: 0xff, count: 6) + [UInt8](repeating: 0x02, count: 6) + [0x08, 0x00]
      + [0x45, 0, 0, 36, 0, 1, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]
      + [0x30, 0x39, 0x00, 0x35, 0, 16, 0, 0] + [UInt8](repeating: 0x61, count: 8)
    let pcap = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
      + le32(1_795_341_600) + le32(0) + le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
    let url = directory.appendingPathComponent("dns.pcap")
    try Data(pcap).write(to: url)
    let report = Analyzer().analyze([AnalysisInput(path: url.path, displayName: "dns.pcap")])
    XCTAssertEqual(report.streams.count, 0)
    XCTAssert(report.warnings.contains { $0.message.contains("no API stream was found in this pcap file's 1 packet") },
              report.warnings.map(\.message).joined(separator: "\n"))
    XCTAssert(try MarkdownRenderer().render(report).contains("No stream was found"))
  }
}
