import Foundation

/// Writes one self-contained HTML page (inline CSS, JS and SVG, nothing fetched): the verdict and patterns on top,
/// then a timeline per input with a lane per stream grouped by context; clicking a lane shows its evidence.
public struct HTMLRenderer: ReportRenderer {
  /// Lanes drawn at most; the rest are counted under the timeline.
  public var maxLanes: Int

  /// Completed streams of one context beyond this many share one lane.
  public var aggregateAbove: Int

  public init(maxLanes: Int = 2_000, aggregateAbove: Int = 12) {
    self.maxLanes = maxLanes
    self.aggregateAbove = aggregateAbove
  }

  /// A row of the timeline.
  private enum Lane {
    case context(String)
    case stream(StreamVerdict, Microseconds, Microseconds)
    case completed([(StreamVerdict, Microseconds, Microseconds)])
  }

  public func render(_ report: Report) throws -> String {
    var html = ""
    try render(report) { html += $0 }
    return html
  }

  /// The page, then each stream's data for the detail pane on its own: a report of thousands of streams is never
  /// held as one text.
  public func render(_ report: Report, into write: (String) throws -> Void) throws {
    let patterns = report.patterns
    let fixes = report.rankedFixes(patterns)
    var patternOf: [Int: Int] = [:]
    for p in patterns { for s in p.streams { patternOf[s.id] = p.number } }
    var html = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>dropscope report</title>
      <style>\(Self.css)</style>
      </head><body>
      <h1>dropscope report</h1>

      """
    let verdict = ReportText.linkingReferences(ReportText.verdict(report, patterns: patterns, fixes: fixes) { "\u{2}\($0)\u{3}" })
    html += "<p id=\"verdict\">\(Self.inline(verdict))</p>\n"
    html += facts(report)
    html += patternTable(patterns)
    try write(html)
    try write(timeline(report, patternOf: patternOf))
    html = "<aside id=\"detail\"><p class=\"hint\">Click a stream in the timeline to see its evidence.</p></aside>\n"
    html += fixSection(fixes)
    html += "<footer>\(Self.escape(report.tool)) · report schema \(Self.escape(report.schema))</footer>\n"
    try write(html + "<script type=\"application/json\" id=\"streams\">{")
    // One object keyed by stream id, its keys in numeric order, as JSONSerialization sorts keys of digits.
    let ordered = report.streams.sorted { $0.id < $1.id }
    for (index, stream) in ordered.enumerated() {
      try write((index == 0 ? "" : ",") + (try streamEntry(stream, patternOf: patternOf)))
    }
    try write("}</script>\n<script>\(Self.script)</script>\n</body></html>\n")
  }

  private func facts(_ report: Report) -> String {
    let c = report.counts
    var rows: [(String, String)] = [("Inputs", "\(ReportText.count(report.inputs.count, "file")), \(ReportText.grouped(report.inputs.reduce(0) { $0 + $1.lines })) lines")]
    if let span = report.timeSpan { rows.append(("Time span", "\(span.start) – \(span.end) (\(ReportText.duration(span.seconds)))")) }
    var streams = "\(ReportText.grouped(c.streams)): \(ReportText.grouped(c.completed)) completed, \(ReportText.grouped(report.droppedCount)) failed"
    if c.inFlight > 0 { streams += ", \(c.inFlight) in flight when the input ends" }
    rows.append(("Streams", streams))
    if let focus = report.focus { rows.append(("Focus", "\(focus.taken); \(focus.leftOutText)")) }
    if ReportText.hasSDKInput(report) { rows.append(("SDK calls", "\(ReportText.grouped(c.calls)), of which \(ReportText.grouped(c.callsFailed)) failed in the end; the SDK retried \(ReportText.count(c.retries, "attempt"))")) }
    rows.append(("Raw exceptions leaked by the SDK", "\(c.unwrappedExceptionLeaks)"))
    rows.append(("What the drops cost", ReportText.cost(report.cost) { $0 }))
    rows.append(("Warnings", "\(report.warnings.count)"))
    return "<table class=\"facts\">" + rows.map { "<tr><th>\(Self.escape($0.0))</th><td>\(Self.inline($0.1))</td></tr>" }.joined() + "</table>\n"
  }

  private func patternTable(_ patterns: [FailurePattern]) -> String {
    guard !patterns.isEmpty else { return "" }
    var out = "<h2>Failure patterns</h2>\n<label>Show: <select id=\"filter\"><option value=\"\">every stream</option>"
    for cause in Cause.allCases { out += "<option value=\"cause:\(cause.rawValue)\">cause \(cause.rawValue)</option>" }
    out += "<option value=\"cause:completed\">completed</option>"
    for p in patterns.prefix(200) { out += "<option value=\"pattern:\(p.number)\">pattern \(p.number)</option>" }
    out += "</select></label>\n<table class=\"patterns\"><thead><tr><th>#</th><th>Streams</th><th>Where</th><th>Cause</th><th>Side</th><th>Surfaced as</th><th>SDK</th><th>Exemplar</th></tr></thead><tbody>\n"
    for p in patterns.prefix(200) {
      if p.number == 9, patterns.count > 10 {
        out += "</tbody><tbody class=\"more\" hidden>\n"
      }
      let inputs = p.inputs
      let place = inputs.prefix(2).joined(separator: ", ") + (inputs.count > 2 ? " and \(inputs.count - 2) more" : "")
      out += "<tr class=\"pattern\" data-pattern=\"\(p.number)\"><td>\(p.number)</td><td>\(p.streams.count)</td><td>\(Self.escape(place))</td>"
      out += "<td><span class=\"swatch c-\(p.cause.rawValue)\"></span>\(p.cause.rawValue)</td><td>\(p.side?.rawValue ?? "–")</td>"
      out += "<td>\(Self.inline(p.surfaced))</td><td>\(Self.escape(p.sdk ?? "–"))</td><td><a href=\"#\" data-stream=\"\(p.exemplar.id)\">stream \(p.exemplar.id)</a></td></tr>\n"
    }
    out += "</tbody></table>\n"
    if patterns.count > 10 {
      out += "<p><button id=\"more-patterns\" type=\"button\">Show all \(min(patterns.count, 200)) patterns</button>\(patterns.count > 200 ? " (the JSON report has the other \(patterns.count - 200))" : "")</p>\n"
    }
    return out
  }

  /// The timeline: per input its own time axis (incidents may be days apart), lanes grouped by context.
  private func timeline(_ report: Report, patternOf: [Int: Int]) -> String {
    var out = "<h2>Timeline</h2>\n<p class=\"hint\">One lane per stream, grouped by input and context; colour by cause; ticks are timed evidence, the shaded part the silence before the end, the end marker who closed (S server side, C client side, ? unknown, … still open when the input ends); a red dashed line is the known limit a silence or duration matches, a grey dashed curve links the attempts of one call. Zoom: <input id=\"zoom\" type=\"range\" min=\"1\" max=\"8\" step=\"0.5\" value=\"1\"></p>\n<div id=\"timeline\">\n"
    var byInput: [(String, [StreamVerdict])] = []
    var index: [String: Int] = [:]
    for s in report.streams {
      if let i = index[s.input] { byInput[i].1.append(s) } else { index[s.input] = byInput.count; byInput.append((s.input, [s])) }
    }
    var lanes = 0
    let width = 1000.0, labelWidth = 170.0, lane = 16.0
    for (input, streams) in byInput {
      guard lanes < maxLanes else { break }
      let timed = streams.compactMap { s -> (StreamVerdict, Microseconds, Microseconds)? in
        guard let start = s.startedAt.flatMap(TimestampParser.parse) else { return nil }
        let end = s.endedAt.flatMap(TimestampParser.parse) ?? s.duration.map { start + Microseconds($0 * 1e6) } ?? start
        return (s, start, max(start, end))
      }
      guard let t0 = timed.map(\.1).min(), let t1 = timed.map(\.2).max() else { continue }
      let span = max(Double(t1 - t0), 1_000)
      func x(_ t: Microseconds) -> Double { labelWidth + (width - labelWidth - 20) * Double(t - t0) / span }
      let contexts = Dictionary(grouping: timed, by: { $0.0.context ?? "" })
      let order = timed.map { $0.0.context ?? "" }.reduce(into: [String]()) { if !$1.isEmpty || !$0.contains($1) { if !$0.contains($1) { $0.append($1) } } }
      var rows: [Lane] = []
      for context in order {
        rows.append(.context(context.isEmpty ? "(no context)" : context))
        let items = contexts[context] ?? []
        let completed = items.filter { $0.0.outcome == .completed }
        // Many completed streams of one context share a lane: the failures keep a lane each.
        if completed.count > aggregateAbove {
          rows.append(.completed(completed))
          for item in items where item.0.outcome != .completed { rows.append(.stream(item.0, item.1, item.2)) }
        } else {
          for item in items { rows.append(.stream(item.0, item.1, item.2)) }
        }
      }
      rows = Array(rows.prefix(maxLanes - lanes))
      lanes += rows.count
      let height = 28 + Double(rows.count) * lane
      out += "<section class=\"input\"><h3>\(Self.escape(input))</h3>\n"
      out += "<svg class=\"lanes\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
      out += "<text class=\"axis\" x=\"\(Int(labelWidth))\" y=\"12\">\(TimeFormatting.iso(t0))</text>"
      out += "<text class=\"axis\" x=\"\(Int(width - 20))\" y=\"12\" text-anchor=\"end\">+\(Self.escape(ReportText.duration(span / 1e6)))</text>\n"
      var y = 20.0
      var attempts: [Int: [(attempt: Int, x0: Double, x1: Double, y: Double)]] = [:]
      for row in rows {
        let s: StreamVerdict, start: Microseconds, end: Microseconds
        switch row {
        case .context(let label):
          out += "<text class=\"context\" x=\"4\" y=\"\(Int(y + 12))\">\(Self.escape(ReportText.clipped(label, 28)))</text>\n"
          y += lane
          continue
        case .completed(let items):
          out += "<g class=\"aggregate\" data-cause=\"completed\" data-count=\"\(items.count)\"><title>\(items.count) completed streams (streams \(Self.escape(Self.idRanges(items.map(\.0.id)))))</title>"
          out += "<text class=\"id\" x=\"\(Int(labelWidth - 6))\" y=\"\(Int(y + 11))\" text-anchor=\"end\">\(items.count) completed</text>"
          for (_, a, b) in items {
            out += "<rect class=\"bar c-completed\" x=\"\(Self.f(x(a)))\" y=\"\(Int(y + 3))\" width=\"\(Self.f(max(x(b) - x(a), 1)))\" height=\"10\" fill-opacity=\"0.35\"/>"
          }
          out += "</g>\n"
          y += lane
          continue
        case .stream(let verdict, let a, let b):
          (s, start, end) = (verdict, a, b)
        }
        let cause = s.outcome == .completed ? "completed" : (s.cause ?? .unknown).rawValue
        let x0 = x(start), x1 = max(x(end), x0 + 3)
        let pattern = patternOf[s.id].map { " data-pattern=\"\($0)\"" } ?? ""
        out += "<g class=\"stream\(s.inFlightAtEnd ? " inflight" : "")\" data-stream=\"\(s.id)\" data-cause=\"\(cause)\"\(pattern)>"
        out += "<title>stream \(s.id): \(Self.escape(s.inFlightAtEnd ? "in flight when the input ends" : cause))</title>"
        out += "<text class=\"id\" x=\"\(Int(labelWidth - 6))\" y=\"\(Int(y + 11))\" text-anchor=\"end\">\(s.id)</text>"
        out += "<rect class=\"bar c-\(cause)\" x=\"\(Self.f(x0))\" y=\"\(Int(y + 3))\" width=\"\(Self.f(x1 - x0))\" height=\"10\"/>"
        if let silence = s.silenceBeforeEnd, silence > 0, s.outcome == .failed {
          let xs = max(x0, x(end - Microseconds(silence * 1e6)))
          out += "<rect class=\"silence\" x=\"\(Self.f(xs))\" y=\"\(Int(y + 3))\" width=\"\(Self.f(max(x1 - xs, 1)))\" height=\"10\"/>"
        }
        if let limit = Report.matchedKnownLimit(s) {
          // Where the limit falls: from the last byte before the silence (idle) or from the start (a total cap).
          let from = limit.kind == .idle ? end - Microseconds((s.silenceBeforeEnd ?? 0) * 1e6) : start
          let at = x(from + Microseconds(limit.seconds * 1e6))
          out += "<line class=\"limit\" x1=\"\(Self.f(at))\" x2=\"\(Self.f(at))\" y1=\"\(Int(y - 1))\" y2=\"\(Int(y + 17))\"><title>\(Self.escape("\(TimeFormatting.limit(limit.seconds)) \(limit.kind == .idle ? "idle limit" : "total-duration cap"): \(limit.components)"))</title></line>"
        }
        for e in s.evidence {
          guard let t = e.time.flatMap(TimestampParser.parse), t >= t0 else { continue }
          out += "<line class=\"tick\" x1=\"\(Self.f(x(t)))\" x2=\"\(Self.f(x(t)))\" y1=\"\(Int(y + 1))\" y2=\"\(Int(y + 15))\"/>"
        }
        if s.outcome == .failed {
          let mark = s.inFlightAtEnd ? "…" : s.side == .server ? "S" : s.side == .client ? "C" : "?"
          out += "<text class=\"close\" x=\"\(Self.f(x1 + 2))\" y=\"\(Int(y + 12))\">\(mark)</text>"
        }
        out += "</g>\n"
        if s.attemptsInCall > 1 { attempts[s.call, default: []].append((s.attempt, x0, x1, y + 8)) }
        y += lane
      }
      // Attempts of one call (the SDK's retries) linked from each attempt's end to the next one's start.
      for call in attempts.keys.sorted() {
        let chain = attempts[call]!.sorted { $0.attempt < $1.attempt }
        for (a, b) in zip(chain, chain.dropFirst()) {
          out += "<path class=\"retry\" d=\"M\(Self.f(a.x1)) \(Int(a.y)) C\(Self.f(a.x1 + 12)) \(Int(a.y)) \(Self.f(b.x0 - 12)) \(Int(b.y)) \(Self.f(b.x0)) \(Int(b.y))\"><title>call \(call): attempt \(a.attempt) retried as attempt \(b.attempt)</title></path>\n"
        }
      }
      out += "</svg></section>\n"
    }
    if lanes >= maxLanes { out += "<p class=\"hint\">Only the first \(maxLanes) lanes are drawn; the JSON report lists every stream.</p>\n" }
    return out + "</div>\n"
  }

  /// `1–4, 7, 9–12`.
  private static func idRanges(_ ids: [Int]) -> String {
    var parts: [String] = []
    var index = 0
    let sorted = ids.sorted()
    while index < sorted.count {
      var end = index
      while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
      parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])–\(sorted[end])")
      index = end + 1
    }
    return parts.joined(separator: ", ")
  }

  private func fixSection(_ fixes: [RankedFix]) -> String {
    guard !fixes.isEmpty else { return "" }
    var out = "<h2>Fixes, by the failed streams they address</h2>\n"
    for (i, ranked) in fixes.enumerated() {
      out += "<details id=\"fix-\(ranked.fix.id.rawValue)\"\(i == 0 ? " open" : "")><summary>\(i + 1). \(Self.inline(ranked.fix.title)) <span class=\"hint\">\(ReportText.count(ranked.streams, "stream"))\(ranked.patterns.isEmpty ? "" : ", patterns \(ranked.patterns.map(String.init).joined(separator: ", "))")</span></summary>"
      out += "<p>\(Self.inline(ReportText.linkingReferences(ranked.fix.advice)))</p>"
      if let code = ranked.fix.code { out += "<pre><code>\(Self.escape(code))</code></pre>" }
      if !ranked.fix.links.isEmpty { out += "<p>See: \(ranked.fix.links.map { "<a href=\"\(Self.escape($0))\">\(Self.escape($0))</a>" }.joined(separator: ", "))</p>" }
      out += "</details>\n"
    }
    return out
  }

  /// What a click shows, per stream, as JSON (with `</` escaped so it cannot end the script).
  /// One stream's entry in the detail pane's data: `"id":{…}`, with `</` escaped so no text ends the script.
  private func streamEntry(_ s: StreamVerdict, patternOf: [Int: Int]) throws -> String {
    var item: [String: Any] = [
      "id": s.id, "input": s.input, "summary": ReportText.linkingReferences(s.summary), "confidence": s.confidence.rawValue,
      "outcome": s.inFlightAtEnd ? "in flight when the input ends" : s.outcome.rawValue,
      "evidence": s.evidence.map { e in
        ["where": [e.location, e.time].compactMap { $0 }.joined(separator: " "), "note": ReportText.linkingReferences(e.note),
         "quote": e.quote.map { ReportText.clipped($0, 2_000) } ?? ""]
      },
      "fixes": s.fixes.map { ["id": $0.rawValue, "title": Catalogue.fixes[$0]?.title ?? $0.rawValue] },
    ]
    if let cause = s.cause { item["cause"] = cause.rawValue }
    if let side = s.side { item["side"] = side.rawValue }
    if let context = s.context { item["context"] = context }
    if let id = s.requestID { item["request_id"] = id }
    if let surfaced = s.surfacedAs { item["surfaced_as"] = surfaced }
    if let pattern = patternOf[s.id] { item["pattern"] = pattern }
    let data = try JSONSerialization.data(withJSONObject: item, options: [.sortedKeys])
    return "\"\(s.id)\":" + String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
  }

  private static func f(_ value: Double) -> String { String((value * 10).rounded() / 10) }

  /// Text with Markdown code spans and bold marks (`\u{2}`…`\u{3}`) as HTML, URLs as links, the rest escaped.
  static func inline(_ text: String) -> String {
    var out = ""
    var inCode = false
    for character in text {
      switch character {
      case "`": out += inCode ? "</code>" : "<code>"; inCode.toggle()
      case "\u{2}": out += "<strong>"
      case "\u{3}": out += "</strong>"
      default: out += escape(String(character))
      }
    }
    if inCode { out += "</code>" }
    guard out.contains("https://") else { return out }
    var linked = ""
    var rest = Substring(out)
    while let start = rest.range(of: "https://") {
      linked += rest[..<start.lowerBound]
      let tail = rest[start.lowerBound...]
      var end = tail.firstIndex { $0 == " " || $0 == ")" || $0 == "," || $0 == ";" || $0 == "<" } ?? tail.endIndex
      while end > tail.startIndex, [".", ":"].contains(tail[tail.index(before: end)]) { end = tail.index(before: end) }
      let url = tail[..<end]
      linked += "<a href=\"\(url)\">\(url)</a>"
      rest = tail[end...]
    }
    return linked + rest
  }

  /// `&`, `<`, `>` and `"` as entities.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(character)
      }
    }
    return out
  }

  static let css = """
    body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em}
    h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1em;margin:.8em 0 .2em}
    #verdict{font-size:1.05em;background:#f6f8fa;border-left:4px solid #d73a49;padding:.7em 1em}
    table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
    .facts th{background:#fafafa;font-weight:600}tr.pattern{cursor:pointer}tr.pattern:hover{background:#fffbdd}
    code{background:#f0f0f0;padding:0 3px;border-radius:3px;font-size:.92em}pre{background:#f6f8fa;padding:.7em;overflow:auto}
    .hint{color:#666;font-size:.9em}#timeline{overflow-x:auto}svg.lanes{display:block;font:11px system-ui,sans-serif}
    .axis{fill:#666}.limit{stroke:#b00;stroke-width:1.5;stroke-dasharray:3 2}.retry{fill:none;stroke:#555;stroke-width:1;stroke-dasharray:2 2}.context{fill:#333;font-weight:600}.id{fill:#555}.tick{stroke:#000;stroke-opacity:.55;stroke-width:1}
    .silence{fill:url(#none);fill:#fff;fill-opacity:.55;stroke:#999;stroke-dasharray:2 2}.close{font-weight:700;fill:#000}
    .stream{cursor:pointer}.stream:hover .bar,.stream.selected .bar{stroke:#000;stroke-width:1.5}.stream.dim,.aggregate.dim{opacity:.12}
    .inflight .bar{fill-opacity:.35;stroke:#555;stroke-dasharray:3 2}
    .swatch{display:inline-block;width:.8em;height:.8em;margin-right:4px;border-radius:2px}
    .c-completed{fill:#8fbc8f;background:#8fbc8f}.c-idle_timeout{fill:#f0a030;background:#f0a030}
    .c-server_close_during_delta{fill:#d73a49;background:#d73a49}.c-client_error{fill:#3b7dd8;background:#3b7dd8}
    .c-server_error{fill:#8e44ad;background:#8e44ad}.c-unknown{fill:#999;background:#999}
    #detail{position:sticky;bottom:0;background:#fff;border-top:2px solid #333;max-height:35vh;overflow:auto;padding:.3em 1em}
    #detail li{margin:.3em 0}#detail pre{margin:.2em 0;white-space:pre-wrap}footer{margin-top:2em;color:#888;font-size:.85em}
    """

  static let script = """
    (function(){
    var data=JSON.parse(document.getElementById('streams').textContent);
    function esc0(s){return String(s).replace(/[&<>"]/g,function(c){return{'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c];});}
    function esc(s){return esc0(s).replace(/`([^`]+)`/g,'<code>$1</code>').replace(/https:\\/\\/[^\\s),;<]+[^\\s),;<.:]/g,function(u){return '<a href="'+u+'">'+u+'</a>';});}
    function show(id){var s=data[id];if(!s)return;var d=document.getElementById('detail');
    document.querySelectorAll('.stream.selected').forEach(function(g){g.classList.remove('selected');});
    document.querySelectorAll('.stream[data-stream="'+id+'"]').forEach(function(g){g.classList.add('selected');});
    var h='<h3>Stream '+s.id+': '+esc(s.cause||s.outcome)+(s.side?' ('+esc(s.side)+' side)':'')+', '+esc(s.confidence)+' confidence'+(s.pattern?', pattern '+s.pattern:'')+'</h3>';
    h+='<p>'+esc(s.input)+(s.context?' · '+esc(s.context):'')+(s.request_id?' · request '+esc(s.request_id):'')+'</p><p>'+esc(s.summary)+'</p>';
    if(s.surfaced_as)h+='<p>Surfaced as: '+esc(s.surfaced_as)+'</p>';
    h+='<ul class="evidence">'+s.evidence.map(function(e){return '<li><code>'+esc(e.where)+'</code> '+esc(e.note)+(e.quote?'<pre>'+esc0(e.quote)+'</pre>':'')+'</li>';}).join('')+'</ul>';
    if(s.fixes.length)h+='<p>Fixes: '+s.fixes.map(function(f){return '<a href="#fix-'+esc(f.id)+'">'+esc(f.title)+'</a>';}).join('; ')+'</p>';
    d.innerHTML=h;}
    document.querySelectorAll('.stream').forEach(function(g){g.addEventListener('click',function(){show(g.dataset.stream);});});
    document.querySelectorAll('a[data-stream]').forEach(function(a){a.addEventListener('click',function(ev){ev.preventDefault();show(a.dataset.stream);});});
    function filter(v){document.querySelectorAll('.stream,.aggregate').forEach(function(g){var on=!v||(v.indexOf('cause:')==0&&g.dataset.cause==v.slice(6))||(v.indexOf('pattern:')==0&&g.dataset.pattern==v.slice(8));g.classList.toggle('dim',!on);});}
    var f=document.getElementById('filter');if(f)f.addEventListener('change',function(){filter(f.value);});
    document.querySelectorAll('tr.pattern').forEach(function(r){r.addEventListener('click',function(){if(f)f.value='pattern:'+r.dataset.pattern;filter('pattern:'+r.dataset.pattern);});});
    var m=document.getElementById('more-patterns');if(m)m.addEventListener('click',function(){document.querySelectorAll('tbody.more').forEach(function(t){t.hidden=!t.hidden;});});
    var hm=/^#stream-(\\d+)$/.exec(location.hash);if(hm)show(hm[1]);
    var z=document.getElementById('zoom');if(z)z.addEventListener('input',function(){document.querySelectorAll('svg.lanes').forEach(function(s){
    if(!s.dataset.w){s.dataset.w=s.getAttribute('width');s.dataset.h=s.getAttribute('height');}
    s.setAttribute('width',s.dataset.w*z.value);s.setAttribute('height',s.dataset.h*z.value);});});
    })();
    """
}
