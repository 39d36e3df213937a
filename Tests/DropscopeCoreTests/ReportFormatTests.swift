import Foundation
import XCTest

@testable import DropscopeCore

/// The report a user attaches: verdict first, patterns, sized to a ticket; Jira, trace and HTML; the honest edges.
final class ReportFormatTests: XCTestCase {
  static let allSamples: Report = {
    let folders = (try? FileManager.default.contentsOfDirectory(at: TestSupport.sampleLogs, includingPropertiesForKeys: nil)) ?? []
    let files = folders.filter(\.hasDirectoryPath).sorted { $0.lastPathComponent < $1.lastPathComponent }.flatMap { folder in
      ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
        .filter { !$0.lastPathComponent.hasPrefix("expected-") }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
    return TestSupport.analyze(files, relativeTo: TestSupport.sampleLogs)
  }()

  /// A report of `n` failed streams spread over many patterns, inputs and contexts, with long evidence.
  static func synthetic(failed n: Int) -> Report {
    var report = allSamples
    let template = report.streams.first { $0.outcome == .failed }!
    report.streams = (1...n).map { i in
      var s = template
      s.id = i
      s.input = "incident-\(i % 97)/worker-\(i % 13).log.gz"
      s.context = "worker_\(i % 31)"
      s.cause = Cause.allCases[i % Cause.allCases.count]
      s.sdk = "sdk \(i % 7)"
      s.surfacedAs = "raw `error\(i % 11).Kind`: " + String(repeating: "a long explanation ", count: 20)
      s.evidence = (0..<8).map { k in
        Evidence(location: "\(s.input):\(k)", time: "2026-11-22T16:38:\(10 + k % 50).000Z", quote: String(repeating: "q", count: 600),
                 note: String(repeating: "note ", count: 200))
      }
      return s
    }
    report.counts.streams = n
    report.counts.failed = n
    report.notes = (0..<500).map { "note \($0) " + String(repeating: "x", count: 900) }
    report.warnings = (0..<500).map { AnalysisWarning(input: "in\($0)", message: String(repeating: "w", count: 2_000)) }
    return report
  }

  // MARK: - Verdict first, ticket-sized

  /// JSON is written a stream at a time (a report of thousands never held as one text); the pieces are the bytes
  /// the whole report encodes to, whatever the streams hold (empty lists, nested objects, no streams at all).
  func testJSONInPiecesIsTheWholeReportsEncoding() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    var none = Self.allSamples
    none.streams = []
    for report in [Self.allSamples, Self.synthetic(failed: 40), none] {
      var pieces: [String] = []
      try JSONRenderer().render(report) { pieces.append($0) }
      let whole = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
      XCTAssertEqual(pieces.joined(), whole)
      XCTAssertEqual(pieces.count, report.streams.isEmpty ? 1 : report.streams.count + 2, "a piece per stream")
    }
  }

  func testSummaryReportOfEverySampleFitsAGitHubIssueAndOpensWithTheVerdict() throws {
    let text = try MarkdownRenderer().render(Self.allSamples)
    XCTAssertLessThanOrEqual(text.count, 60_000)
    let paragraphs = text.components(separatedBy: "\n\n")
    XCTAssertEqual(paragraphs.first, "# dropscope report")
    let verdict = paragraphs[1]
    XCTAssertTrue(verdict.hasPrefix("**\(Self.allSamples.droppedCount) of \(Self.allSamples.counts.streams) streams failed**"), verdict)
    XCTAssertTrue(verdict.contains("largest pattern (") && verdict.contains("By cause: "), verdict)
    XCTAssertTrue(verdict.contains("First fix:"), verdict)
    XCTAssertTrue(text.contains("### Pattern 1:"))
    XCTAssertTrue(text.contains("## Fixes, by the failed streams they address"))
  }

  func testAnyInputFitsTheBudgets() throws {
    let report = Self.synthetic(failed: 5_000)
    XCTAssertLessThanOrEqual(try MarkdownRenderer().render(report).count, 60_000)
    XCTAssertLessThanOrEqual(try JiraRenderer().render(report).count, 32_000)
    let full = try MarkdownRenderer(detail: .full).render(report)
    XCTAssertTrue(full.contains("### Stream 5000:"), "--detail full keeps a section per stream")
  }

  func testPatternsAreLargestFirstAndCoverEveryDroppedStream() throws {
    let report = Self.allSamples
    let patterns = report.patterns
    XCTAssertEqual(patterns.reduce(0) { $0 + $1.streams.count }, report.droppedStreams.count)
    XCTAssertEqual(patterns.map(\.streams.count), patterns.map(\.streams.count).sorted(by: >))
    for p in patterns {
      XCTAssertTrue(p.streams.allSatisfy { ($0.cause ?? .unknown) == p.cause && $0.side == p.side && $0.sdk == p.sdk })
    }
    let fixes = report.rankedFixes(patterns)
    XCTAssertEqual(fixes.map(\.streams), fixes.map(\.streams).sorted(by: >))
  }

  /// Each incident's verdict names its largest pattern, by cause and surfacing, and its counts.
  func testTheVerdictNamesTheDominantPatternOfEveryIncident() throws {
    let folders = try FileManager.default.contentsOfDirectory(at: TestSupport.sampleLogs, includingPropertiesForKeys: nil)
      .filter(\.hasDirectoryPath)
    for folder in folders {
      let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        .filter { !$0.lastPathComponent.hasPrefix("expected-") }
      let report = TestSupport.analyze(files, relativeTo: TestSupport.sampleLogs)
      let verdict = try MarkdownRenderer().render(report).components(separatedBy: "\n\n")[1]
      guard let top = report.patterns.first else {
        XCTAssertTrue(verdict.contains("No stream failed") || verdict.contains("No stream was found"), folder.lastPathComponent)
        continue
      }
      let tied = report.patterns.count > 1 && report.patterns[1].streams.count == top.streams.count
      let share = top.streams.count == report.droppedCount ? "all of them" : "\(top.streams.count) of \(report.droppedCount)"
      let named = !tied ? "pattern (\(share)) is `\(top.cause.rawValue)`"
        : top.streams.count == 1 ? "Each failed its own way: `\(top.cause.rawValue)`"
        : "No one pattern dominates: the largest (\(top.streams.count) streams each) are `\(top.cause.rawValue)`"
      XCTAssertTrue(verdict.contains(named), "\(folder.lastPathComponent): \(verdict)")
      XCTAssertTrue(verdict.contains(top.howSurfaced), "\(folder.lastPathComponent): \(verdict)")
      XCTAssertTrue(verdict.contains("\(report.droppedCount) of \(report.counts.streams) stream"), folder.lastPathComponent)
    }
  }

  func testUpstreamReferencesAreFullURLsAndNoUnseenDocumentIsCited() throws {
    for text in [try MarkdownRenderer().render(Self.allSamples), try MarkdownRenderer(detail: .full).render(Self.allSamples)] {
      XCTAssertNil(text.range(of: #"(?<![\w/&#])#\d{2,}"#, options: .regularExpression), "a bare #N links to the reader's own repository")
      XCTAssertFalse(text.contains("signatures.md") || text.contains("protocol-facts.md") || text.contains("design.md"))
    }
    XCTAssertEqual(ReportText.linkingReferences("anthropics/anthropic-sdk-python#1919, PR #1552 and PRs #1920/#1922"),
                   "https://github.com/anthropics/anthropic-sdk-python/issues/1919, PR https://github.com/anthropics/anthropic-sdk-python/issues/1552 and PRs https://github.com/anthropics/anthropic-sdk-python/issues/1920, https://github.com/anthropics/anthropic-sdk-python/issues/1922")
  }

  func testWhereComesEarlyInThePatternTable() throws {
    let text = try MarkdownRenderer().render(Self.allSamples)
    XCTAssertTrue(text.contains("| # | Streams | Where | Cause |"))
  }

  // MARK: - Honest edges

  func testDurationsReadAsPeopleReadThem() {
    XCTAssertEqual(ReportText.duration(9_875), "2 h 44 min")
    XCTAssertEqual(ReportText.duration(61.04), "61.0 s")
    XCTAssertEqual(ReportText.duration(252), "4 min 12 s")
    XCTAssertEqual(ReportText.duration(787_018), "9 days 2 h")
    XCTAssertEqual(ReportText.duration(0.42), "0.42 s")
  }

  func testNoStreamFoundIsNotAnAllClear() throws {
    let report = try TestSupport.analyze(text: "hello\nthis is not a log of an API client\n")
    let text = try MarkdownRenderer().render(report)
    XCTAssertFalse(text.contains("Every stream completed"))
    XCTAssertTrue(text.contains("No stream was found"), text)
    XCTAssertFalse(try JiraRenderer().render(report).contains("Every stream completed"))
  }

  /// The first lines of incident 03: the response head and its events, then the log ends mid-stream.
  static let logEndingMidStream = """
    2026-11-22 16:38:32,745 - app.chat - INFO - call 1: streaming claude-sonnet-4-5 from idle-close
    2026-11-22 16:38:32,797 - httpx2 - INFO - HTTP Request: POST http://127.0.0.1:45867/s/idle-close/v1/messages "HTTP/1.1 200 OK"
    2026-11-22 16:38:33,012 - app.stream - DEBUG - event message_start input_tokens=2113
    2026-11-22 16:38:33,051 - app.stream - DEBUG - event content_block_start
    2026-11-22 16:38:33,066 - app.stream - DEBUG - event content_block_delta
    2026-11-22 16:38:33,067 - app.stream - DEBUG - event content_block_delta

    """

  func testAStreamOpenWhenTheLogEndsIsInFlightNotFailed() throws {
    let report = try TestSupport.analyze(text: Self.logEndingMidStream)
    XCTAssertEqual(report.counts.inFlight, 1)
    XCTAssertEqual(report.inFlightStreams.count, 1)
    XCTAssertEqual(report.droppedCount, 0)
    XCTAssertTrue(report.patterns.isEmpty)
    let text = try MarkdownRenderer().render(report)
    XCTAssertTrue(text.contains("## In flight when the input ends"), text)
    XCTAssertTrue(text.contains("**No stream failed**"), text)
    let json = try JSONRenderer().render(report)
    XCTAssertTrue(json.contains("\"in_flight_at_end\" : true"))
  }

  func testFailOnDropsIgnoresStreamsInFlightAndNamesWhatTrippedIt() throws {
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let log = directory.appendingPathComponent("app.log")
    try Data(Self.logEndingMidStream.utf8).write(to: log)
    let binary = try TestSupport.dropscopeBinary()
    let open = try TestSupport.run(binary, ["analyze", "--fail-on-drops", log.path])
    XCTAssertEqual(open.status, 0, open.stderr)
    let dropped = try TestSupport.run(binary, ["analyze", "--fail-on-drops", "SampleLogs/03-proxy-idle-timeout"])
    XCTAssertEqual(dropped.status, 1)
    XCTAssertTrue(dropped.stderr.contains("--fail-on-drops: 1 stream failed: 1 idle_timeout (server side, raw httpx2.RemoteProtocolError)"), dropped.stderr)
    XCTAssertTrue(dropped.stderr.contains("first: stream 1 in SampleLogs/03-proxy-idle-timeout/app.log.gz"), dropped.stderr)
  }

  func testNoStreamFoundIsSaidOnStandardError() throws {
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("notes.txt")
    try Data("nothing to see here\n".utf8).write(to: file)
    let result = try TestSupport.run(try TestSupport.dropscopeBinary(), ["analyze", file.path])
    XCTAssertEqual(result.status, 0)
    XCTAssertTrue(result.stderr.contains("no stream was found in 1 input"), result.stderr)
  }

  func testSDKWordingOnlyForSDKInputs() throws {
    let curl = TestSupport.analyze(
      try FileManager.default.contentsOfDirectory(at: TestSupport.sampleLogs.appendingPathComponent("22-curl-traces"), includingPropertiesForKeys: nil)
        .filter { !$0.lastPathComponent.hasPrefix("expected-") }.sorted { $0.path < $1.path },
      relativeTo: TestSupport.sampleLogs)
    XCTAssertFalse(try MarkdownRenderer().render(curl).contains("SDK retried"))
    XCTAssertTrue(try MarkdownRenderer().render(Self.allSamples).contains("the SDK retried"))
  }

  /// Every Python fix compiles and uses no name it does not define or import.
  func testFixCodeIsCompleteAndRunnable() throws {
    guard let python = TestSupport.python else { throw XCTSkip("python3 not installed") }
    let script = """
      import ast, builtins, json, sys
      bad = []
      for fid, code in json.load(sys.stdin).items():
          tree = ast.parse(code)
          defined = set(dir(builtins))
          for node in ast.walk(tree):
              if isinstance(node, (ast.Import, ast.ImportFrom)):
                  defined |= {(a.asname or a.name).split('.')[0] for a in node.names}
              elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                  defined.add(node.name)
                  if hasattr(node, 'args'):
                      a = node.args
                      defined |= {x.arg for x in a.args + a.kwonlyargs + a.posonlyargs}
                      defined |= {x.arg for x in [a.vararg, a.kwarg] if x}
              elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                  defined.add(node.id)
              elif isinstance(node, ast.ExceptHandler) and node.name:
                  defined.add(node.name)
          used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
          if used - defined:
              bad.append(f"{fid}: {sorted(used - defined)}")
      print("\\n".join(bad))
      """
    var python_fixes: [String: String] = [:]
    for fix in Catalogue.allFixes {
      guard let code = fix.code, ReportText.language(ofCode: code) == "python" else { continue }
      python_fixes[fix.id.rawValue] = code
    }
    XCTAssertFalse(python_fixes.isEmpty)
    let result = try TestSupport.run(python, ["-c", script], stdin: try JSONSerialization.data(withJSONObject: python_fixes))
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "", "undefined names in fix code")
  }

  // MARK: - Jira

  func testJiraIsWikiMarkupWithoutMarkdownWithinAField() throws {
    for report in [Self.allSamples, Self.synthetic(failed: 800)] {
      let text = try JiraRenderer().render(report)
      XCTAssertLessThanOrEqual(text.count, 32_000)
      XCTAssertTrue(text.hasPrefix("h1. dropscope report\n"))
      // Code blocks hold code as it is (`**params`); the markup is everything outside them.
      let prose = text.components(separatedBy: "{code").enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined()
      for markdown in ["|---|", "**", "<sub>", "```", "](#", "<a id", "\n## ", "\n# "] {
        XCTAssertFalse(prose.contains(markdown), "Markdown `\(markdown)` in the Jira report")
      }
      XCTAssertFalse(prose.contains("`"), "a backtick shows raw in Jira")
      // Every {{ opens a monospace span that closes on the same line, and {code}/{noformat} blocks pair up.
      for line in text.split(separator: "\n") {
        XCTAssertEqual(line.components(separatedBy: "{{").count, line.components(separatedBy: "}}").count, String(line))
      }
      XCTAssertEqual(text.components(separatedBy: "{noformat}").count % 2, 1)
      // Table rows open and close with a bar; headings and lists start their lines.
      for line in prose.split(separator: "\n") where line.hasPrefix("|") {
        XCTAssertTrue(line.hasSuffix("|") && !line.hasSuffix("\\|"), "table row not closed: \(line)")
      }
      XCTAssertNil(prose.range(of: #"\n[ \t]+(h[1-6]\.|\*|#) "#, options: .regularExpression), "indented markup is not markup")
      XCTAssertEqual((text.components(separatedBy: "{code").count - 1) % 2, 0)
    }
  }

  func testJiraEscapesMarkupCharactersInText() {
    XCTAssertEqual(JiraRenderer.inline("a [b] {c} *d* `x|y` --detail"), "a \\[b\\] \\{c\\} \\*d\\* {{x\\|y}} \\-\\-detail")
  }

  // MARK: - Trace

  func testTraceIsChromeTraceEventJSON() throws {
    let report = Self.allSamples
    let data = Data(try TraceRenderer().render(report).utf8)
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let events = try XCTUnwrap(json["traceEvents"] as? [[String: Any]])
    let slices = events.filter { $0["ph"] as? String == "X" }
    XCTAssertEqual(slices.count, report.streams.filter { $0.startedAt != nil }.count)
    XCTAssertTrue(slices.allSatisfy { ($0["dur"] as? Int ?? 0) > 0 && ($0["ts"] as? Int ?? -1) >= 0 })
    let tracks = events.filter { $0["name"] as? String == "thread_name" }
    let contexts = Set(report.streams.filter { $0.startedAt != nil }.map { "\($0.input)|\($0.context ?? "")" })
    XCTAssertEqual(tracks.count, contexts.count)
    let closes = events.filter { $0["cat"] as? String == "close" }
    XCTAssertEqual(closes.count, report.streams.filter { $0.startedAt != nil && $0.outcome == .failed }.count)
    XCTAssertTrue(events.contains { $0["ph"] as? String == "i" && $0["cat"] as? String == "evidence" })
  }

  // MARK: - HTML

  func testHTMLIsOneSelfContainedPageWithALanePerStream() throws {
    let report = Self.allSamples
    let html = try HTMLRenderer().render(report)
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    for external in ["<script src", "<link ", "@import", "url(http", "src=\"http"] {
      XCTAssertFalse(html.contains(external), "fetches \(external)")
    }
    XCTAssertTrue(html.contains("<p id=\"verdict\">"))
    XCTAssertEqual(Self.streamsDrawn(html), report.streams.filter { $0.startedAt != nil }.count)
    // Many completed streams of a context share a lane; the failed keep one each.
    let many = Self.synthetic(failed: 30)
    var busy = many
    busy.streams += (1...40).map { i in
      var s = many.streams[0]
      s.id = 1_000 + i
      s.outcome = .completed
      s.cause = nil
      return s
    }
    let aggregated = try HTMLRenderer().render(busy)
    XCTAssertTrue(aggregated.contains("data-count=\"40\""))
    XCTAssertEqual(Self.streamsDrawn(aggregated), busy.streams.count)
    XCTAssertTrue(html.contains("class=\"silence\""))
    XCTAssertTrue(html.contains("<script type=\"application/json\" id=\"streams\">"))
    XCTAssertFalse(html.components(separatedBy: "id=\"streams\">")[1].components(separatedBy: "</script>")[0].contains("</"))
    // The page's script parses (where node is installed; the Chromium test runs it).
    if let node = ["/usr/bin/node", "/usr/local/bin/node"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
      let directory = try TestSupport.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let script = directory.appendingPathComponent("page.js")
      let body = try XCTUnwrap(html.components(separatedBy: "<script>").last?.components(separatedBy: "</script>").first)
      try Data(body.utf8).write(to: script)
      let check = try TestSupport.run(URL(fileURLWithPath: node), ["--check", script.path])
      XCTAssertEqual(check.status, 0, check.stderr)
    }
  }

  /// The sample report in headless Chromium: the script runs (a lane's evidence opens from the URL), the DOM holds
  /// the verdict, a lane per timed stream and the close markers; a screenshot is saved for a person to look at.
  func testHTMLRendersInHeadlessChromium() throws {
    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
      .first(where: { FileManager.default.isExecutableFile(atPath: $0) }).map(URL.init(fileURLWithPath:))
    else { throw XCTSkip("headless Chromium not installed (Debian: apt-get install chromium)") }
    let report = Self.allSamples
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let page = directory.appendingPathComponent("report.html")
    try Data(try HTMLRenderer().render(report).utf8).write(to: page)
    let exemplar = try XCTUnwrap(report.patterns.first?.exemplar)
    let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(directory.path)/profile"]
    let dom = try TestSupport.run(chromium, flags + ["--dump-dom", page.absoluteString + "#stream-\(exemplar.id)"])
    XCTAssertEqual(dom.status, 0, dom.stderr)
    XCTAssertTrue(dom.stdout.contains("<p id=\"verdict\"><strong>\(report.droppedCount) of \(report.counts.streams) streams failed</strong>"))
    XCTAssertEqual(Self.streamsDrawn(dom.stdout), report.streams.filter { $0.startedAt != nil }.count)
    XCTAssertTrue(dom.stdout.contains("class=\"close\""))
    XCTAssertTrue(dom.stdout.contains("<aside id=\"detail\"><h3>Stream \(exemplar.id): "), "the page's script did not show the stream")
    let screenshot = TestSupport.root.appendingPathComponent(".build-screenshots/report.png")
    try FileManager.default.createDirectory(at: screenshot.deletingLastPathComponent(), withIntermediateDirectories: true)
    let shot = try TestSupport.run(chromium, flags + ["--window-size=1200,2400", "--screenshot=\(screenshot.path)", page.absoluteString])
    XCTAssertEqual(shot.status, 0, shot.stderr)
    let size = try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int ?? 0
    XCTAssertGreaterThan(size, 20_000, "the screenshot looks empty")
  }

  /// Streams on the page's timeline: a lane each, plus those counted in shared lanes.
  static func streamsDrawn(_ html: String) -> Int {
    let lanes = html.components(separatedBy: "<g class=\"stream").count - 1
    let shared = html.components(separatedBy: "<g class=\"aggregate\" data-cause=\"completed\" data-count=\"").dropFirst()
      .compactMap { Int($0.prefix { $0.isNumber }) }.reduce(0, +)
    return lanes + shared
  }

  // MARK: - Schema

  /// Every sample's expected JSON report, and the JSON of all of them together, validate against the schema file.
  func testEveryExpectedJSONReportMatchesTheSchema() throws {
    let schemaURL = TestSupport.root.appendingPathComponent("Schemas/dropscope.report.v2.schema.json")
    let schema = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
    let validator = SchemaValidator(root: schema)
    var documents: [(String, Any)] = []
    for folder in try FileManager.default.contentsOfDirectory(at: TestSupport.sampleLogs, includingPropertiesForKeys: nil)
      .filter(\.hasDirectoryPath).sorted(by: { $0.path < $1.path })
    {
      let url = folder.appendingPathComponent("expected-report.json")
      guard FileManager.default.fileExists(atPath: url.path) else { continue }
      documents.append((folder.lastPathComponent, try JSONSerialization.jsonObject(with: Data(contentsOf: url), options: .fragmentsAllowed)))
    }
    XCTAssertGreaterThanOrEqual(documents.count, 30)
    documents.append(("all samples", try JSONSerialization.jsonObject(with: Data(try JSONRenderer().render(Self.allSamples).utf8))))
    var focused = Self.allSamples
    focused.focus = Report.Focus(since: "2026-11-22T16:00:00.000Z", until: nil, requestIDs: ["req_1"], contexts: [],
                                 leftOut: 3, leftOutWithoutTime: 1)
    documents.append(("focused", try JSONSerialization.jsonObject(with: Data(try JSONRenderer().render(focused).utf8))))
    for (name, document) in documents {
      let errors = validator.errors(document, schema, at: "$")
      XCTAssertTrue(errors.isEmpty, "\(name): \(errors.prefix(5).joined(separator: "; "))")
    }
    // The validator does catch what the schema forbids.
    var old = try XCTUnwrap(documents.last?.1 as? [String: Any])
    var streams = try XCTUnwrap(old["streams"] as? [[String: Any]])
    streams[0]["joined_stream"] = 3
    streams[0]["cause"] = "gremlins"
    old["streams"] = streams
    let errors = validator.errors(old, schema, at: "$")
    XCTAssertTrue(errors.contains("$.streams[0]: unexpected joined_stream"), "\(errors)")
    XCTAssertTrue(errors.contains("$.streams[0].cause: matches 0 of oneOf"), "\(errors)")
  }
}

/// The part of JSON Schema (2020-12) the report's schema uses: type, const, enum, required, properties,
/// additionalProperties, items, $ref, oneOf, not, pattern, minimum.
private struct SchemaValidator {
  var root: [String: Any]

  /// Every way `value` breaks `schema`, each with its JSON path.
  func errors(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
    var errors: [String] = []
    if let ref = schema["$ref"] as? String {
      let name = String(ref.dropFirst("#/$defs/".count))
      guard let defs = root["$defs"] as? [String: Any], let target = defs[name] as? [String: Any] else { return ["\(path): no \(ref)"] }
      errors += self.errors(value, target, at: path)
    }
    if let type = schema["type"] {
      let types = (type as? [String]) ?? [type as? String ?? ""]
      if !types.contains(where: { Self.isType(value, $0) }) { errors.append("\(path): not \(types)") }
    }
    if let constant = schema["const"], !Self.equal(value, constant) { errors.append("\(path): not \(constant)") }
    if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
      errors.append("\(path): \(value) not in \(options)")
    }
    if let pattern = schema["pattern"] as? String, let text = value as? String,
      text.range(of: pattern, options: .regularExpression) == nil
    {
      errors.append("\(path): \(text) does not match \(pattern)")
    }
    if let minimum = schema["minimum"] as? Double, let number = value as? NSNumber, !(value is Bool), number.doubleValue < minimum {
      errors.append("\(path): below \(minimum)")
    }
    if let options = schema["oneOf"] as? [[String: Any]] {
      let passing = options.filter { self.errors(value, $0, at: path).isEmpty }.count
      if passing != 1 { errors.append("\(path): matches \(passing) of oneOf") }
    }
    if let not = schema["not"] as? [String: Any], self.errors(value, not, at: path).isEmpty { errors.append("\(path): matches `not`") }
    if let object = value as? [String: Any] {
      for key in schema["required"] as? [String] ?? [] where object[key] == nil { errors.append("\(path): no \(key)") }
      let properties = schema["properties"] as? [String: Any] ?? [:]
      for (key, item) in object.sorted(by: { $0.key < $1.key }) {
        if let sub = properties[key] as? [String: Any] {
          errors += self.errors(item, sub, at: "\(path).\(key)")
        } else if schema["additionalProperties"] as? Bool == false {
          errors.append("\(path): unexpected \(key)")
        }
      }
    }
    if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
      for (i, item) in array.enumerated() { errors += self.errors(item, items, at: "\(path)[\(i)]") }
    }
    return errors
  }

  private static func isType(_ value: Any, _ type: String) -> Bool {
    switch type {
    case "null": return value is NSNull
    case "string": return value is String
    case "boolean": return "\(Swift.type(of: value))".contains("Boolean") || "\(Swift.type(of: value))" == "Bool"
    case "object": return value is [String: Any]
    case "array": return value is [Any]
    case "integer":
      guard let n = value as? NSNumber, !isType(value, "boolean") else { return false }
      return n.doubleValue == n.doubleValue.rounded()
    case "number": return value is NSNumber && !isType(value, "boolean")
    default: return false
    }
  }

  private static func equal(_ a: Any, _ b: Any) -> Bool {
    if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
    if let x = a as? String, let y = b as? String { return x == y }
    if isType(a, "boolean") != isType(b, "boolean") { return false }
    if let x = a as? NSNumber, let y = b as? NSNumber { return x == y }
    return false
  }
}
