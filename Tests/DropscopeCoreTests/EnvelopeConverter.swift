import Foundation

@testable import DropscopeCore

/// Wraps the lines of a plain application log in each envelope a platform keeps logs in, as that platform writes it,
/// so a test can require the same verdicts from the wrapped log as from the plain one.
///
/// Every record gets a time: the line's own (read as UTC, as dropscope reads an unzoned time), else the last one
/// seen, else one millisecond after the previous record from 2026-11-22T00:00:00Z. Formats follow their documentation:
/// - Docker json-file: https://docs.docker.com/engine/logging/drivers/json-file/ (`log`, `stream`, `time`; a long
///   line is split into records whose `log` does not end with a newline);
/// - CRI: kubernetes design-proposals-archive `node/kubelet-cri-logging.md` (`TIMESTAMP STREAM TAG CONTENT`, tag `P`
///   for a part, `F` for the last);
/// - `kubectl logs --timestamps --prefix`: RFC 3339 nano time after `[pod/NAME/CONTAINER] `; `docker compose logs
///   --timestamps`: the same time after the padded container name and a bar (`api-1  | `);
/// - journalctl short-precise and short-iso (systemd `journalctl(1)`, `--output=`), syslog RFC 3164 with its PRI;
/// - journalctl -o json: https://systemd.io/JOURNAL_EXPORT_FORMATS/ (`MESSAGE` as an array of bytes when it is not
///   plain ASCII here, to take that path too; `__REALTIME_TIMESTAMP` in µs as a string);
/// - syslog RFC 5424 §6: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG`;
/// - CloudWatch `aws logs filter-log-events`: API_FilterLogEvents / API_FilteredLogEvent (`events[]` with
///   `logStreamName`, `timestamp` ms, `message`, `ingestionTime`, `eventId`), pretty-printed as the CLI does, a
///   traceback gathered into one multi-line event as the CloudWatch agent's `multi_line_start_pattern` does;
/// - `aws logs tail` in its default (detailed) format, the same events: the time as Python's
///   `isoformat(timespec='microseconds')` of a UTC datetime (milliseconds, `+00:00`), the log stream, the message
///   with its trailing white space stripped and its further lines as they are (awscli/customizations/logs/tail.py);
/// - Cloud Logging `LogEntry` (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry): an array, newest
///   first, as `gcloud logging read --format=json` prints it, and one entry per line as a sink export writes it.
enum EnvelopeConverter: String, CaseIterable {
  case dockerJSON, cri, kubectl, compose, journalShortPrecise, journalShortISO, syslog3164, journalJSON, syslog5424
  case cloudWatch, awsLogsTail, cloudLoggingArray, cloudLoggingLines

  /// One line of the plain log with the time its record gets.
  private struct Record {
    var text: String
    var micros: Int64
  }

  /// The log's lines, each with its record's time.
  private static func records(_ text: String) -> [Record] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    var last: Int64 = TimestampParser.parse("2026-11-22T00:00:00Z")!
    var seen = false
    return lines.map { line in
      if let own = TimestampParser.parse(line) ?? bracketedTime(line) {
        last = own
        seen = true
      } else if !seen {
        last += 1000
      }
      return Record(text: line, micros: last)
    }
  }

  /// `[2026-11-22 15:27:34 +0000] …` (gunicorn) and `[2026-11-22 15:52:48 - name:1 - INFO] …` (the SDKs' debug format).
  private static func bracketedTime(_ line: String) -> Int64? {
    guard line.hasPrefix("[") else { return nil }
    return TimestampParser.parse(String(line.dropFirst()))
  }

  /// The plain log `text` wrapped in this envelope.
  func wrap(_ text: String) -> String {
    let records = Self.records(text)
    var out = ""
    switch self {
    case .dockerJSON:
      for r in records {
        for (part, last) in Self.parts(r.text) {
          out += "{\"log\":\(Self.json(part + (last ? "\n" : ""))),\"stream\":\"stderr\",\"time\":\"\(Self.iso(r.micros, digits: 9))\"}\n"
        }
      }
    case .cri:
      for r in records {
        for (part, last) in Self.parts(r.text) {
          out += "\(Self.iso(r.micros, digits: 9)) stderr \(last ? "F" : "P") \(part)\n"
        }
      }
    case .kubectl:
      for r in records { out += "[pod/api-7d9f/app] \(Self.iso(r.micros, digits: 9)) \(r.text)\n" }
    case .compose:
      for r in records { out += "api-1  | \(Self.iso(r.micros, digits: 9)) \(r.text)\n" }
    case .journalShortPrecise:
      out += "-- Logs begin at Sun 2026-11-22 00:00:00 UTC, end at Sun 2026-11-22 23:59:59 UTC. --\n"
      for r in records { out += "\(Self.bsd(r.micros, precise: true)) node-1 python3[4242]: \(r.text)\n" }
    case .journalShortISO:
      for r in records { out += "\(Self.iso(r.micros, digits: 0, zone: "+0000")) node-1 python3[4242]: \(r.text)\n" }
    case .syslog3164:
      for r in records { out += "<14>\(Self.bsd(r.micros, precise: false)) node-1 app[4242]: \(r.text)\n" }
    case .journalJSON:
      for r in records {
        let message = r.text.utf8.allSatisfy { $0 < 0x80 } ? Self.json(r.text) : "[" + r.text.utf8.map(String.init).joined(separator: ",") + "]"
        out += "{\"__CURSOR\":\"s=1;i=\(r.micros)\",\"__REALTIME_TIMESTAMP\":\"\(r.micros)\",\"__MONOTONIC_TIMESTAMP\":\"1\",\"PRIORITY\":\"6\",\"_PID\":\"4242\",\"SYSLOG_IDENTIFIER\":\"python3\",\"_SYSTEMD_UNIT\":\"app.service\",\"MESSAGE\":\(message)}\n"
      }
    case .syslog5424:
      for r in records { out += "<14>1 \(Self.iso(r.micros, digits: 6)) node-1 app 4242 - - \(r.text)\n" }
    case .cloudWatch:
      var events: [String] = []
      for event in Self.events(records) {
        let ms = event.micros / 1000
        events.append("""
                {
                    "logStreamName": "app/app/0f3e",
                    "timestamp": \(ms),
                    "message": \(Self.json(event.text)),
                    "ingestionTime": \(ms + 250),
                    "eventId": "\(events.count)"
                }
        """)
      }
      out = "{\n    \"events\": [\n" + events.joined(separator: ",\n") + "\n    ],\n    \"searchedLogStreams\": [\n        {\n            \"logStreamName\": \"app/app/0f3e\",\n            \"searchedCompletely\": true\n        }\n    ]\n}\n"
    case .awsLogsTail:
      for event in Self.events(records) {
        let time = Self.iso(event.micros / 1000 * 1000, digits: 6, zone: "+00:00")
        var message = event.text
        while let last = message.last, last.isWhitespace { message.removeLast() }
        out += "\(time) app/app/0f3e \(message)\n"
      }
    case .cloudLoggingArray:
      let entries = records.enumerated().map { Self.entry($0.element, index: $0.offset, pretty: true) }
      out = "[\n" + entries.reversed().joined(separator: ",\n") + "\n]\n"
    case .cloudLoggingLines:
      for (index, r) in records.enumerated() { out += Self.entry(r, index: index, pretty: false) + "\n" }
    }
    return out
  }

  /// A Cloud Logging entry for a GKE container's stderr.
  private static func entry(_ r: Record, index: Int, pretty: Bool) -> String {
    let fields = [
      ("insertId", json("id\(index)")),
      ("logName", json("projects/demo/logs/stderr")),
      ("receiveTimestamp", json(iso(r.micros + 500_000, digits: 9))),
      ("resource", "{\"labels\":{\"cluster_name\":\"c1\",\"container_name\":\"app\",\"namespace_name\":\"default\",\"pod_name\":\"api-7d9f\",\"project_id\":\"demo\"},\"type\":\"k8s_container\"}"),
      ("severity", json(r.text.contains(" ERROR ") ? "ERROR" : "INFO")),
      ("textPayload", json(r.text)),
      ("timestamp", json(iso(r.micros, digits: 9))),
    ]
    if pretty { return "  {\n" + fields.map { "    \(json($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n  }" }
    return "{" + fields.map { "\(json($0.0)):\($0.1)" }.joined(separator: ",") + "}"
  }

  /// Records gathered into events as a multi-line agent does: a line with no time of its own continues the event.
  private static func events(_ records: [Record]) -> [Record] {
    var events: [Record] = []
    for r in records {
      if let last = events.last, TimestampParser.parse(r.text) == nil, bracketedTime(r.text) == nil, !r.text.hasPrefix("{") {
        events[events.count - 1].text = last.text + "\n" + r.text
      } else {
        events.append(r)
      }
    }
    return events
  }

  /// A line as the parts a runtime splits it into (parts of 40 bytes, at ASCII positions), each with whether it is last.
  private static func parts(_ line: String) -> [(String, Bool)] {
    let bytes = Array(line.utf8)
    guard bytes.count > 60 else { return [(line, true)] }
    var parts: [(String, Bool)] = []
    var start = 0
    while bytes.count - start > 60 {
      var cut = start + 40
      while cut < bytes.count, bytes[cut] >= 0x80 { cut += 1 }
      parts.append((String(decoding: bytes[start..<cut], as: UTF8.self), false))
      start = cut
    }
    parts.append((String(decoding: bytes[start...], as: UTF8.self), true))
    return parts
  }

  /// A JSON string literal.
  static func json(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// `2026-11-22T16:38:32.470000000Z` (with `digits` fraction digits), or with a numeric zone.
  static func iso(_ micros: Int64, digits: Int, zone: String = "Z") -> String {
    let seconds = micros / 1_000_000
    var text = String(TimeFormatting.iso(seconds * 1_000_000).prefix(19))
    if digits > 0 {
      let fraction = String(format: "%06lld", micros % 1_000_000) + "000"
      text += "." + fraction.prefix(digits)
    }
    return text + zone
  }

  /// `Nov 22 16:38:32` or `Nov 22 16:38:32.470123`.
  static func bsd(_ micros: Int64, precise: Bool) -> String {
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    let iso = iso(micros, digits: 6)
    let month = Int(iso.dropFirst(5).prefix(2))!
    let day = String(iso.dropFirst(8).prefix(2))
    let time = String(iso.dropFirst(11).prefix(precise ? 15 : 8))
    return "\(months[month - 1]) \(day) \(time)"
  }
}
