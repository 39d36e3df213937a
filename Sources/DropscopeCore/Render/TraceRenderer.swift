import Foundation

/// Writes Chrome trace-event JSON for Perfetto or `chrome://tracing`: a process per input, a track per context, a
/// slice per stream, instants for its timed evidence and its close.
public struct TraceRenderer: ReportRenderer {
  public init() {}

  public func render(_ report: Report) throws -> String {
    let timed = report.streams.compactMap { s -> (StreamVerdict, Microseconds)? in
      s.startedAt.flatMap(TimestampParser.parse).map { (s, $0) }
    }
    let origin = timed.map(\.1).min() ?? 0
    var events: [[String: Any]] = []
    var pids: [String: Int] = [:]
    var tids: [String: Int] = [:]
    for (s, start) in timed {
      let pid: Int
      if let known = pids[s.input] {
        pid = known
      } else {
        pid = pids.count + 1
        pids[s.input] = pid
        events.append(["ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": ["name": s.input]])
      }
      let track = "\(s.input)\u{1}\(s.context ?? "")"
      let tid: Int
      if let known = tids[track] {
        tid = known
      } else {
        tid = tids.count + 1
        tids[track] = tid
        events.append(["ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": ["name": s.context ?? "(no context)"]])
      }
      let evidenceTimes = s.evidence.compactMap { $0.time.flatMap(TimestampParser.parse) }
      let end = s.endedAt.flatMap(TimestampParser.parse) ?? s.duration.map { start + Microseconds($0 * 1e6) }
        ?? evidenceTimes.max() ?? start
      let label = s.outcome == .completed ? "completed" : s.inFlightAtEnd ? "in flight when the input ends" : (s.cause ?? .unknown).rawValue
      var args: [String: Any] = ["outcome": s.outcome.rawValue, "summary": s.summary, "confidence": s.confidence.rawValue,
                                 "events": s.eventsReceived]
      if let cause = s.cause { args["cause"] = cause.rawValue }
      if let side = s.side { args["side"] = side.rawValue }
      if let id = s.requestID { args["request_id"] = id }
      if let surfaced = s.surfacedAs { args["surfaced_as"] = surfaced }
      if let sdk = s.sdk { args["sdk"] = sdk }
      if !s.findings.isEmpty { args["findings"] = s.findings.map(\.rawValue) }
      events.append(["ph": "X", "name": "stream \(s.id): \(label)", "cat": s.outcome.rawValue, "pid": pid, "tid": tid,
                     "ts": start - origin, "dur": max(end - start, 1), "args": args])
      for e in s.evidence {
        guard let time = e.time.flatMap(TimestampParser.parse) else { continue }
        var eventArgs: [String: Any] = ["note": e.note]
        if let location = e.location { eventArgs["location"] = location }
        events.append(["ph": "i", "s": "t", "name": ReportText.clipped(e.note, 80), "cat": "evidence", "pid": pid, "tid": tid,
                       "ts": time - origin, "args": eventArgs])
      }
      if s.outcome == .failed {
        let who = s.inFlightAtEnd ? "input ends" : "closed by \(s.side?.rawValue ?? "unknown side")"
        events.append(["ph": "i", "s": "t", "name": "end of stream \(s.id): \(who)", "cat": "close", "pid": pid, "tid": tid,
                       "ts": end - origin, "args": ["cause": label]])
      }
    }
    let untimed = report.streams.count - timed.count
    let trace: [String: Any] = [
      "traceEvents": events,
      "displayTimeUnit": "ms",
      "otherData": ["tool": report.tool, "schema": report.schema, "origin": origin == 0 ? "" : TimeFormatting.iso(origin),
                    "untimed_streams": untimed],
    ]
    let data = try JSONSerialization.data(withJSONObject: trace, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
