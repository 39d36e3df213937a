#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives the facts a reader emits.
public protocol FactSink: AnyObject {
  /// Takes one fact; facts of one input arrive in line order.
  func accept(_ fact: borrowing Fact)
  /// Called when an input has been read to its end.
  func inputEnded(_ input: Int)
}

/// Turns the lines of a Python application log into facts.
///
/// Knows the log record shapes (see `LogLinePrefix`), the lines httpx/httpx2 and the
/// SDKs write, SSE events the application logged, request ids, and multi-line
/// tracebacks with chained exceptions, logged or printed uncaught to stderr.
final class LogReader<Sink: FactSink> {
  let input: Int
  private let sink: Sink
  /// Lines read, lines that were log records, and lines that produced a fact or belonged to a traceback.
  private(set) var lineCount = 0
  private(set) var recordCount = 0
  private(set) var understoodCount = 0
  /// The last physical line counted as understood (a JSON record expands to several lines under one number).
  private var lastUnderstoodLine = 0
  private(set) var firstTime: Microseconds?
  private(set) var lastTime: Microseconds?
  private(set) var sawUnzonedTime = false

  /// Context ids of thread names, shared by the readers of one input; this reader's names are under `scope`.
  private let contexts: ContextTable
  private let scope: String
  /// The context of lines that name no thread.
  private let baseContext: Int
  /// The time of the envelope record the current line came from, if an envelope held it, and its clock's step (µs).
  var envelopeTime: Microseconds?
  /// The coarsest precision of the times read, in microseconds (1,000,000 when any was to the second); 0 before any.
  var timePrecision: Int32 {
    max(fewestFractionDigits == .max ? 0 : TimestampParser.precision(fractionDigits: Int(fewestFractionDigits)),
        coarsestEnvelopePrecision)
  }
  /// The fewest decimal places of a line's own time, and the coarsest envelope time: one comparison a line.
  private var fewestFractionDigits: UInt8 = .max
  private var coarsestEnvelopePrecision: Int32 = 0
  var envelopePrecision: Int32 = 1
  /// The context of the latest record of this reader's source read by another of its readers (its stdout, when this
  /// one reads stderr): the call an uncaught traceback printed here interrupted.
  var siblingRecordContext: Int?
  /// The context of the last log record this reader read.
  private(set) var lastRecordContext: Int?
  /// Thread names seen lately, by hash, so most lines create no String.
  private var recentThreads: [(hash: UInt64, id: Int)] = []
  private let previousLine = PreviousLine()
  private var secondCache = TimestampParser.SecondCache()
  /// Classes of recently seen messages: a repeat is not scanned again.
  private let messageMemo = MessageMemo()
  /// A Node error being read (header, frames, causes, properties).
  private var nodeError: NodeErrorBuilder?
  /// Properties of a Node error object printed before its stack (`status: 529,`, `'request-id': 'req_…'`), and the line.
  private var pendingInspected: (status: Int?, requestID: String?, line: Int)?
  /// An exception recognised in a WARNING/ERROR message, held for one line (see `read`).
  private var pendingMessageException: Fact?
  private var previousRecord: (time: Microseconds?, context: Int, line: Int)?
  private var traceback: TracebackBuilder?
  private var uncaughtContext: Int?
  private var internalPending: Set<Int> = []
  /// The line of asyncio's word that it failed to close a generator: the traceback its record goes on to print (after
  /// an `asyncgen: …` line) is that cleanup, after the generator's stream ended; it is read, not made a fact.
  private var cleanupLine: Int?

  /// - Parameters:
  ///   - contexts: the context ids of the input, shared with the readers of its other envelope contexts.
  ///   - scope: the envelope source this reader reads (empty without an envelope); its threads are its own.
  init(input: Int, sink: Sink, contexts: ContextTable = ContextTable(), scope: String = "") {
    self.input = input
    self.sink = sink
    self.contexts = contexts
    self.scope = scope
    baseContext = contexts.id(scope: scope, thread: nil)
  }

  /// Reads one line that `LineClassifier` has already classified.
  func read(line: UnsafeRawBufferPointer, number: Int, classified: ClassifiedLine) {
    lineCount = number
    if let time = envelopeTime {
      if firstTime == nil { firstTime = time }
      lastTime = max(lastTime ?? time, time)
      coarsestEnvelopePrecision = max(coarsestEnvelopePrecision, envelopePrecision)
    }
    if let pending = pendingMessageException {
      // An error written into a log message: dropped when its own traceback follows, which says more.
      pendingMessageException = nil
      if !startsTraceback(line, classified) { sink.accept(pending) }
    }
    if nodeError != nil, continueNodeError(line, number, isRecord: classified.prefix != nil) {
      markUnderstood()
      rememberPreviousLine(line, record: nil)
      return
    }
    if let tb = traceback {
      // A traceback forwarded through a logger (`… | ERROR | stderr | <traceback line>`) continues in
      // the messages of records; one printed to stderr continues in whole lines.
      let consumed: Bool
      if tb.embedded, let forwarded = tb.forwardedText(of: line) {
        consumed = continueTraceback(Self.undecorated(forwarded), number, isRecord: nil)
      } else {
        consumed = continueTraceback(Self.undecorated(line), number, isRecord: classified.prefix)
      }
      if consumed {
        // A line read as the rest of an exception's message counts as understood once the chain goes on.
        if traceback?.messageLinesSinceException == 0 || traceback == nil { markUnderstood() }
        rememberPreviousLine(line, record: nil)
        return
      }
    }
    guard let prefix = classified.prefix else {
      readUnprefixed(line, number)
      rememberPreviousLine(line, record: nil)
      return
    }
    recordCount += 1
    if let time = prefix.time {
      if firstTime == nil { firstTime = time }
      lastTime = max(lastTime ?? time, time)
      if !prefix.zoned { sawUnzonedTime = true }
      fewestFractionDigits = min(fewestFractionDigits, prefix.fractionDigits)
    }
    let context = prefix.thread.map { contextID(line, $0, hash: classified.threadHash) } ?? baseContext
    let time = prefix.time
    let location = SourceLocation(input: input, line: number)
    // A forwarded traceback starts with a record whose message is its header (`T…`, or `|`/`+` decorated).
    let first = prefix.messageStart < line.count ? line[prefix.messageStart] : 0
    if first == 0x54 || first == 0x7c || first == 0x2b,
      Self.isTracebackHeader(Self.undecorated(UnsafeRawBufferPointer(rebasing: line[prefix.messageStart...])))
    {
      startTraceback(location: location, record: previousRecord.map { ($0.time, $0.context, $0.line) },
                     quote: previousRecord != nil ? quote(previousLine) : nil, context: context, time: time)
      traceback?.embedded = true
      traceback?.forwardingOffset = prefix.rawMessageStart
      traceback?.forwardingMarker = Array(line[max(0, prefix.rawMessageStart - 12)..<prefix.rawMessageStart])
      markUnderstood()
      rememberPreviousLine(line, record: nil)
      return
    }
    // A Node error logged as a record's message (`[ERROR] TypeError: fetch failed`,
    // `[ERROR] Error invoking external agent: TypeError: terminated`): its stack and causes follow on lines of their own.
    if let level = prefix.level, level.rawValue >= LogLinePrefix.Level.warning.rawValue,
      let (record, header) = nodeErrorInText(line, number, from: min(prefix.logger?.lowerBound ?? Int.max, prefix.messageStart))
    {
      markUnderstood()
      if let traceback { emit(traceback) }
      traceback = nil
      nodeError = NodeErrorBuilder(start: location, records: [record], time: time, context: context, recordLine: number,
                                   recordQuote: quote(line), inMessage: true)
      nodeError?.namedSDK = Self.namedSDK(line.string(prefix.messageStart..<max(prefix.messageStart, header)))
        ?? prefix.logger.flatMap { Self.namedSDK(inLogger: line.string($0)) }
      rememberPreviousLine(line, record: (time, context, number))
      return
    }
    let message = classified.message ?? messageMemo.classify(line, from: prefix.messageStart)
    if readMessage(line, message, prefix: prefix, context: context, time: time, location: location) {
      markUnderstood()
    } else {
      sink.accept(Fact(time: time, location: location, context: context, kind: .otherLine))
    }
    rememberPreviousLine(line, record: (time, context, number))
  }

  /// Copies what the reader keeps of the current block's lines: the block is about to be reused.
  func blockWillBeReused() {
    previousLine.detach()
  }

  /// Ends the input: finishes an open traceback.
  /// - Parameter endingInput: tells the sink the input ended; false when other readers of the input still read.
  func finish(endingInput: Bool = true) {
    if let pending = pendingMessageException { sink.accept(pending) }
    pendingMessageException = nil
    if let traceback { emit(traceback, openWhenInputEnded: true) }
    traceback = nil
    if let nodeError { emit(nodeError) }
    nodeError = nil
    if endingInput { sink.inputEnded(input) }
  }

  // MARK: - Messages

  /// Turns a classified log message into facts; returns whether it produced any.
  private func readMessage(
    _ line: UnsafeRawBufferPointer, _ message: MessageClass, prefix: LogLinePrefix, context: Int,
    time: Microseconds?, location: SourceLocation
  ) -> Bool {
    let m = prefix.messageStart
    func fact(_ kind: Fact.Kind, quoted: Bool = false) {
      sink.accept(Fact(time: time, location: location, context: context, kind: kind, quote: quoted ? quote(line) : nil))
    }
    if let level = prefix.level, level.rawValue >= LogLinePrefix.Level.warning.rawValue,
      var chain = exceptionInMessage(line, from: m, location: location)
    {
      if chain.namedSDK == nil { chain.namedSDK = prefix.logger.flatMap { Self.namedSDK(inLogger: line.string($0)) } }
      pendingMessageException = Fact(time: time, location: location, context: context,
                                     kind: .exception(chain, internal: false, uncaught: false), quote: quote(line))
    }
    switch message {
    case .unrecognised:
      return pendingMessageException != nil
    case .responseHead:
      guard let head = parseResponseHead(line, from: m + 14) else { return false }
      let transport = prefix.logger.map { line.string($0) } ?? ""
      fact(.responseHead(status: head.status, url: head.url, transport: transport), quoted: true)
    case .requestSending:
      fact(.requestSending(url: urlToken(line, from: m + 22)))
    case .retryScheduled:
      fact(.retryScheduled(scheduledRetry(line, from: m)), quoted: true)
    case .requestIDLine:
      guard let id = requestID(line, from: m + 12) else { return false }
      fact(.requestID(id))
    case .encountered:
      internalPending.insert(context)
    case .generatorCleanup:
      cleanupLine = location.line
    case .tracebackHeader:
      startTraceback(location: location, record: previousRecord.map { ($0.time, $0.context, $0.line) },
                     quote: previousRecord != nil ? quote(previousLine) : nil, context: context, time: time)
    case .bodyReadFailed:
      fact(.bodyReadFailed(Redactor.redact(line.string(m..<min(line.count, m + 600))).text), quoted: true)
    case .headReadFailed:
      fact(.headReadFailed(Redactor.redact(line.string(m..<min(line.count, m + 600))).text), quoted: true)
    case .transportRequestStarted:
      fact(.requestStarted)
    case .transportResponseHead:
      // return_value=(b'HTTP/1.1', 200, b'OK', [...]): the status follows the first "', ".
      guard let comma = line.firstOffset(of: "', ", from: m), let (status, _) = line.decimal(at: comma + 3, maxDigits: 3)
      else { return false }
      let logger = prefix.logger.map { line.string($0) } ?? "httpcore"
      let module = String(logger.prefix { $0 != "." })
      fact(.responseHead(status: status, url: nil, transport: module), quoted: true)
      if let id = LineClassifier.scanWords(line, from: comma).requestID { fact(.requestID(line.string(id))) }
    case .requestOptions:
      guard let at = line.firstOffset(of: "idempotency_key", from: m) else { return false }
      var i = at + 15
      while i < line.count, line[i] == 0x27 || line[i] == 0x22 || line[i] == 0x3a || line[i] == 0x20 || line[i] == 0x3d { i += 1 }
      let start = i
      while i < line.count, line[i].isIdentifierByte || line[i] == 0x2d { i += 1 }
      guard i > start else { return false }
      fact(.callKey(line.string(start..<i)))
    case .stainlessHeaders:
      return readStainlessHeaders(line, from: m) { fact($0) }
    case .tsSDKResponse:
      readTSSDKResponse(line, from: m) { fact($0, quoted: $1) }
    case .words(let scan):
      // An account first: its duration says which call in flight the line's event ends.
      if let account = scan.account { fact(.applicationAccount(account), quoted: true) }
      // A message that reports a failure names events, it does not receive them.
      if pendingMessageException == nil {
        if let event = scan.event { fact(.event(event)) }
        if scan.finished { fact(.event(.chatFinished)) }
      }
      if scan.inputTokens != nil || scan.outputTokens != nil {
        fact(.usage(input: scan.inputTokens, output: scan.outputTokens))
      }
      if let id = scan.requestID { fact(.requestID(line.string(id))) }
      if scan.cancelled { fact(.applicationCancelled, quoted: true) }
      if let word = scan.version, let version = sdkVersion(line, word) {
        fact(.sdkVersion(name: version.name, version: version.version))
        // A user agent is usually part of a printed header dump, which may hold the x-stainless headers too.
        _ = readStainlessHeaders(line, from: m) { fact($0) }
      }
    }
    return true
  }

  /// `Anthropic/Python 0.79.0`, `OpenAI/Python 3.54.0`, `anthropic==0.79.0`, `openai==2.54.0`.
  private func sdkVersion(_ line: UnsafeRawBufferPointer, _ word: Range<Int>) -> (name: String, version: String)? {
    let s = word.lowerBound
    var name: String?
    var versionStart = 0
    if line.hasBytes("Anthropic/Python", at: s) || line.hasBytes("OpenAI/Python", at: s) {
      name = line[s] == 0x41 ? "anthropic" : "openai"
      versionStart = word.upperBound + 1
    } else if let eq = line.firstOffset(of: "==", from: s), eq < word.upperBound + 2 {
      let lib = line.string(s..<eq).lowercased()
      if ["anthropic", "openai", "httpx", "httpx2", "httpcore", "httpcore2", "h11"].contains(lib) {
        name = lib
        versionStart = eq + 2
      }
    }
    guard let name, versionStart < line.count, line[versionStart].isASCIIDigit else { return nil }
    var end = versionStart
    while end < line.count, line[end].isASCIIDigit || line[end] == 0x2e { end += 1 }
    return (name, line.string(versionStart..<end))
  }

  // MARK: - Lines without a log prefix

  private func readUnprefixed(_ raw: UnsafeRawBufferPointer, _ number: Int) {
    let location = SourceLocation(input: input, line: number)
    let line = Self.undecorated(raw)
    if Self.isTracebackHeader(line) {
      markUnderstood()
      if let record = previousRecord {
        // The traceback of a logged exception (`logger.exception(...)`, `exc_info=True`).
        startTraceback(location: location, record: (record.time, record.context, record.line),
                       quote: quote(previousLine), context: record.context, time: record.time)
      } else {
        // Printed uncaught, to stderr; `Exception in thread NAME:` may have named the thread.
        startTraceback(location: location, record: nil, quote: uncaughtContext != nil ? quote(previousLine) : nil,
                       context: uncaughtContext ?? siblingRecordContext ?? baseContext, time: lastTime)
        traceback?.uncaught = true
      }
      uncaughtContext = nil
      return
    }
    if line.hasBytes("Exception in thread ", at: 0), line.count > 21, line[line.count - 1] == 0x3a {
      markUnderstood()
      previousLine.store(line)
      var end = line.count - 1
      if let space = line.firstOffset(of: " (", from: 20), space < end { end = space }
      uncaughtContext = contextID(line, 20..<end)
      return
    }
    uncaughtContext = nil
    guard line.count > 0 else { return }
    // The TypeScript SDKs log to the console with no prefix: `[log_1a2b3c, request-id: "req_…"] post … with status 200`.
    if line.hasBytes("[log_", at: 0), LineClassifier.message(line, from: 0).isTSSDKResponse {
      markUnderstood()
      let context = previousRecord?.context ?? baseContext
      readTSSDKResponse(line, from: 0) { kind, quoted in
        sink.accept(Fact(time: previousRecord?.time ?? lastTime, location: location, context: context, kind: kind,
                         quote: quoted ? quote(line) : nil))
      }
      return
    }

    // Properties of a Node error object printed before its stack: kept for the error that follows.
    if let property = inspectedProperty(line) {
      markUnderstood()
      var pending = pendingInspected ?? (nil, nil, number)
      if let status = property.status { pending.status = status }
      if let id = property.requestID { pending.requestID = id }
      pending.line = number
      pendingInspected = pending
      return
    }
    guard line[0].isASCIILetter else {
      if line[0] == 0x20 {
        // A Node error pasted indented (`  InternalServerError: 529 {…}`, then deeper `    at …` frames).
        var indent = 0
        while indent < line.count, line[indent] == 0x20 { indent += 1 }
        if indent <= 8, let (record, header) = nodeErrorInText(line, number, from: indent), header == indent {
          startNodeError(record, location, namedSDK: nil)
          return
        }
      }
      // Command-line tools indent their error lines (` API Error (529 …)`, `  ⎿  API Error …`).
      // A line in another script (`运行失败：Anthropic stream ended before message_stop`) is not source code: read it whole.
      if line[0] == 0x20 || line[0] >= 0x80 {
        readApplicationErrorLine(line, location, indented: line[0] == 0x20 || line.hasBytes("⎿", at: 0))
      } else if Self.isPasteDecoration(line[0]) {
        // A message pasted alone: `("Connection broken: InvalidChunkLength(…)", …)`, ``` `aiohttp…ClientPayloadError: …` ```.
        readApplicationErrorLine(line, location)
      }
      return
    }
    // A Node error as `console.error` and pino print it: `TypeError: terminated`, then `    at …` frames.
    if let record = nodeErrorHeader(line, number) {
      startNodeError(record, location, namedSDK: nil)
      return
    }
    // An exception line with no traceback above it, as people paste them; chained ones may follow.
    if let record = exceptionLine(line, number, link: .first, frames: []), looksLikeException(record) {
      markUnderstood()
      startTraceback(location: location, record: nil, quote: nil, context: previousRecord?.context ?? baseContext,
                     time: previousRecord?.time)
      traceback?.records = [record]
      traceback?.expectingException = false
      return
    }
    // A Node error behind the application's own words: `Anthropic error: terminated: TypeError: terminated`.
    if let (record, header) = nodeErrorInText(line, number, from: 0) {
      startNodeError(record, location, namedSDK: Self.namedSDK(line.string(0..<header)), ownLine: line)
      nodeError?.inMessage = true
      return
    }
    readApplicationErrorLine(line, location)
  }

  /// Starts reading a Node error printed on lines of its own, in the context of the record before it.
  /// - Parameter ownLine: the line also carries the application's words before the error, and is quoted for them.
  private func startNodeError(_ record: ExceptionRecord, _ location: SourceLocation, namedSDK: String?, ownLine: UnsafeRawBufferPointer? = nil) {
    markUnderstood()
    nodeError = NodeErrorBuilder(start: location, records: [record], time: previousRecord?.time ?? lastTime,
                                 context: previousRecord?.context ?? baseContext, recordLine: previousRecord?.line,
                                 recordQuote: ownLine.map { quote($0) } ?? (previousRecord != nil ? quote(previousLine) : nil))
    nodeError?.namedSDK = namedSDK
  }

  /// Bytes a line pasted into an issue may start with before an error message: quotes, brackets, list and code marks.
  private static func isPasteDecoration(_ c: UInt8) -> Bool {
    c == 0x28 || c == 0x22 || c == 0x27 || c == 0x60 || c == 0x2a || c == 0x2d || c == 0x3e
  }

  /// A known Node error header in `line` from `start`: at `start` itself, or after the application's own words
  /// (`…: TypeError: terminated`, `… HeadersTimeoutError: …`). The last header is the error; what precedes it is the
  /// application's. Only errors the catalogue knows are taken, so ordinary sentences with `Error:` in them are not.
  /// - Returns: the record and the offset where its header begins; nil when there is none.
  private func nodeErrorInText(_ line: UnsafeRawBufferPointer, _ number: Int, from start: Int) -> (ExceptionRecord, Int)? {
    var found: (ExceptionRecord, Int)?
    var from = start
    while let hit = line.firstOffset(of: "Error: ", from: from) {
      from = hit + 7
      var word = hit
      while word > start, line[word - 1].isIdentifierByte || line[word - 1] == 0x24 { word -= 1 }
      // A class name that starts the text, or one after `: ` (or, if it is more than `Error`, after a space).
      let bare = hit == word
      let afterColon = word >= start + 2 && line[word - 1] == 0x20 && line[word - 2] == 0x3a
      guard line[word].isASCIILetter, word == start || afterColon || (!bare && line[word - 1] == 0x20) else { continue }
      if let record = nodeErrorHeader(line, number, from: word) { found = (record, word) }
    }
    guard let found, Catalogue.signature(for: found.0) != nil else { return nil }
    return found
  }

  /// `status: 529,` or `'request-id': 'req_…',` on a line of its own: a property of a Node error object.
  private func inspectedProperty(_ line: UnsafeRawBufferPointer) -> (status: Int?, requestID: String?)? {
    var i = 0
    while i < line.count, line[i] == 0x20 { i += 1 }
    guard i <= 8, i < line.count else { return nil }
    if line.hasBytes("status: ", at: i), let (status, end) = line.decimal(at: i + 8, maxDigits: 3), end == i + 11,
      (100...599).contains(status), end == line.count || (line[end] == 0x2c && end + 1 == line.count)
    {
      return (status, nil)
    }
    if Self.isRequestIDProperty(line, at: i), let id = LineClassifier.scanWords(line, from: i).requestID {
      return (nil, line.string(id))
    }
    return nil
  }

  /// `'request-id':`, `"request-id":`, `request_id:`, `'x-request-id':` at `i`.
  private static func isRequestIDProperty(_ line: UnsafeRawBufferPointer, at i: Int) -> Bool {
    line.hasBytes("'request-id': ", at: i) || line.hasBytes("\"request-id\": ", at: i) || line.hasBytes("request_id: ", at: i)
      || line.hasBytes("'x-request-id': ", at: i) || line.hasBytes("\"x-request-id\": ", at: i)
  }

  /// The SDK an application names in its own words (`Error from OpenAI API: …`, `Anthropic error: …`): the word
  /// `openai` or `anthropic` standing alone, in any case; `AnthropicException`, `api.openai.com` and
  /// `OpenAI-compatible` (a server, not the SDK) do not count.
  static func namedSDK(_ text: String) -> String? {
    let lower = Array(text.lowercased().utf8)
    for (name, word) in [("openai", Array("openai".utf8)), ("anthropic", Array("anthropic".utf8))] {
      var i = 0
      while i + word.count <= lower.count {
        if lower[i] == word[0], lower[i..<(i + word.count)].elementsEqual(word) {
          let before = i == 0 ? 0x20 : lower[i - 1]
          let after = i + word.count == lower.count ? 0x20 : lower[i + word.count]
          if !before.isASCIILetter, before != 0x2e, !after.isASCIILetter, after != 0x2d {
            return name
          }
        }
        i += 1
      }
    }
    return nil
  }

  /// The SDK a logger name belongs to: a dotted component `openai` or `anthropic` (`openai._base_client`, `anthropic`,
  /// `agno.models.openai.chat`).
  static func namedSDK(inLogger logger: String) -> String? {
    for part in logger.lowercased().split(whereSeparator: { $0 == "." || $0 == ":" }) {
      if part == "openai" || part == "anthropic" { return String(part) }
    }
    return nil
  }

  /// An application's own error line (`API Error: Connection closed mid-response. …`) with a known failure in it.
  /// - Parameter indented: an indented line counts only if it reads as an error line, not as a traceback's source code.
  private func readApplicationErrorLine(_ line: UnsafeRawBufferPointer, _ location: SourceLocation, indented: Bool = false) {
    let text = Redactor.redact(line.string(0..<min(line.count, 2000))).text
      .trimmingCharacters(in: [" ", "\t", "⎿"])
    if indented, !(text.hasPrefix("API Error") || text.hasPrefix("Error") || text.hasPrefix("ERROR")) { return }
    guard let chain = Self.messageChain(text, location: location) else { return }
    markUnderstood()
    sink.accept(Fact(time: previousRecord?.time, location: location, context: previousRecord?.context ?? baseContext,
                     kind: .exception(chain, internal: false, uncaught: false), quote: text))
  }

  /// Whether a bare `dotted.Name: message` line is an exception worth reading.
  private func looksLikeException(_ record: ExceptionRecord) -> Bool {
    guard record.type.contains(".") else { return false }
    let name = record.className
    return name.hasSuffix("Error") || name.hasSuffix("Exception") || name.hasSuffix("Timeout")
      || name.hasSuffix("Interrupt") || Catalogue.signature(for: record) != nil
  }

  /// A traceback line without the `|` decoration Python prints around exception groups.
  static func undecorated(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    var i = 0
    while i < line.count, line[i] == 0x20 { i += 1 }
    guard i < line.count else { return line }
    if line[i] == 0x7c {  // "    | text"
      i += 1
      if i < line.count, line[i] == 0x20 { i += 1 }
      return UnsafeRawBufferPointer(rebasing: line[i...])
    }
    if line[i] == 0x2b {  // "  + Exception Group Traceback …" or "  +-+---- 1 ----"
      return UnsafeRawBufferPointer(rebasing: line[i...])
    }
    return line
  }

  /// `Traceback (most recent call last):`, or the exception-group form of it.
  static func isTracebackHeader(_ line: UnsafeRawBufferPointer) -> Bool {
    line.hasBytes("Traceback (most recent call last):", at: 0)
      || line.hasBytes("+ Exception Group Traceback (most recent call last):", at: 0)
  }

  /// Whether this line begins a traceback.
  private func startsTraceback(_ line: UnsafeRawBufferPointer, _ classified: ClassifiedLine) -> Bool {
    if let prefix = classified.prefix {
      return line.hasBytes("Traceback (most recent call last):", at: prefix.messageStart)
    }
    return line.hasBytes("Traceback (most recent call last):", at: 0)
  }

  /// A known error written into a log message (`stream failed: litellm.APIConnectionError: … peer closed …`),
  /// as a one-exception chain: the class is the dotted name just before the matched text, if there is one.
  private func exceptionInMessage(_ line: UnsafeRawBufferPointer, from m: Int, location: SourceLocation) -> ExceptionChain? {
    Self.messageChain(Redactor.redact(line.string(m..<min(line.count, m + 2000))).text, location: location)
  }

  /// A known error in a line of text, as a one-exception chain: the class is the last dotted name before `: `
  /// that looks like an exception class (`litellm.APIConnectionError:`), if there is one; the SDK is the one the
  /// application's words before the error name (`Error from OpenAI API: peer closed …`).
  static func messageChain(_ text: String, location: SourceLocation) -> ExceptionChain? {
    guard let signature = Catalogue.signature(inMessage: text) else { return nil }
    var type = ""
    var message = text
    var errorStart = text.startIndex
    for word in text.split(separator: " ") where word.hasSuffix(":") {
      // Pasted text wraps names in backticks, quotes or emphasis: `` `litellm.APIConnectionError: ``.
      let name = word.dropLast().drop { !($0.isLetter || $0 == "_") }
      let last = name.split(separator: ".").last ?? ""
      if name.contains("."), last.hasSuffix("Error") || last.hasSuffix("Exception") || last.hasSuffix("Timeout") {
        type = String(name)
        if let range = text.range(of: String(word)) {
          message = String(text[range.upperBound...]).trimmingPrefixSpaces()
          errorStart = range.lowerBound
        }
      }
    }
    if type.isEmpty, let hit = signature.messageContains.compactMap({ text.range(of: $0)?.lowerBound }).min() {
      errorStart = hit
    }
    let record = ExceptionRecord(type: type, message: message, framePaths: [], location: location, link: .first)
    return ExceptionChain(records: [record], start: location, namedSDK: namedSDK(String(text[..<errorStart])))
  }

  // MARK: - Tracebacks

  private func startTraceback(
    location: SourceLocation, record: (Microseconds?, Int, Int)?, quote: String?, context: Int, time: Microseconds?
  ) {
    if let traceback { emit(traceback) }
    var builder = TracebackBuilder(start: location)
    builder.context = record?.1 ?? context
    // An envelope's record time is when the traceback itself was written, to its envelope's precision (a second
    // for syslog); the record before it was written no later: the later of the two is the better bound.
    let before = record?.0 ?? time ?? lastTime
    builder.time = envelopeTime.map { max($0, before ?? $0) } ?? before
    builder.printedAt = envelopeTime.map { $0 + Microseconds(envelopePrecision) - 1 }
    builder.envelopeTime = envelopeTime
    builder.recordQuote = quote
    builder.recordLine = record?.2
    builder.isInternal = internalPending.remove(builder.context) != nil
    // Within three lines of the cleanup's record, or in that record itself (a JSON record's `exception` field, expanded
    // in place, keeps the record's line).
    if let line = cleanupLine, location.line >= line, location.line - line <= 3 {
      builder.isCleanup = true
      cleanupLine = nil
    }
    // The record the traceback belongs to may name the SDK: its logger (`anthropic`, `openai._base_client`) or its words.
    if record != nil { builder.namedSDK = Self.namedSDK(inRecord: previousLine.bytes) }
    traceback = builder
  }

  /// The SDK a log record names in its logger or its message; read only when a traceback follows the record.
  private static func namedSDK(inRecord line: UnsafeRawBufferPointer) -> String? {
    guard let prefix = LogLinePrefix.parse(line) else { return nil }
    if let logger = prefix.logger, let name = namedSDK(inLogger: line.string(logger)) { return name }
    return namedSDK(line.string(prefix.messageStart..<min(line.count, prefix.messageStart + 300)))
  }

  /// The chain goes on: the lines read after its last exception line were that exception's message.
  private func confirmMessageLines() {
    understoodCount += traceback?.messageLinesSinceException ?? 0
    traceback?.messageLinesSinceException = 0
  }

  /// Lines of an exception message after its first that are read as part of it; beyond them the traceback ends.
  private static var longestExceptionMessage: Int { 8 }

  /// Feeds a line to the open traceback; returns false when the line is not part of it.
  private func continueTraceback(_ line: UnsafeRawBufferPointer, _ number: Int, isRecord record: LogLinePrefix?) -> Bool {
    guard var tb = traceback else { return false }
    if line.isEmpty {
      // A blank line ends an exception's message: what follows is the chain's next part or the traceback's end.
      if !tb.expectingException { traceback?.messageLines = Self.longestExceptionMessage }
      return true
    }
    if line[0] == 0x20 || line[0] == 0x09 {
      guard tb.expectingException else { return false }
      if line.hasBytes("  File \"", at: 0) {
        var end = 8
        while end < line.count, line[end] != 0x22 { end += 1 }
        if tb.frames.count < 256 { tb.frames.append(line.string(8..<end)) }
        traceback = tb
      }
      return true
    }
    if line.hasBytes("The above exception was the direct cause", at: 0) {
      confirmMessageLines()
      // A chain may go on with or without a `Traceback` header (debuggers print it without).
      traceback?.pendingLink = .directCause
      traceback?.expectingException = true
      return true
    }
    if line.hasBytes("During handling of the above exception", at: 0) {
      confirmMessageLines()
      traceback?.pendingLink = .duringHandling
      traceback?.expectingException = true
      return true
    }
    if line.hasBytes("+-", at: 0) { return true }
    if Self.isTracebackHeader(line) {
      traceback?.frames.removeAll()
      traceback?.expectingException = true
      return true
    }
    if let record {
      if tb.firstLaterTime == nil, let time = record.time { traceback?.firstLaterTime = time }
      // Another thread's record written into the middle of a traceback (stderr is not
      // written atomically): read it as usual and keep the traceback open.
      let interleaved = tb.expectingException || (tb.uncaught && tb.interleavedRecords < 20)
      if interleaved, tb.interleavedRecords < 500 {
        traceback?.interleavedRecords += 1
        return false
      }
      if tb.firstLaterTime == nil { tb.firstLaterTime = record.time }
      emit(tb)
      traceback = nil
      return false
    }
    if !tb.expectingException, !tb.records.isEmpty, tb.messageLines < Self.longestExceptionMessage {
      // Python prints a message of several lines as it is: what follows the exception line, up to a blank line or
      // the next part of the chain, is still the exception's (`For more information check: …` after httpx's
      // status error), not the end of the traceback.
      traceback?.messageLines += 1
      traceback?.messageLinesSinceException += 1
      return true
    }
    guard tb.expectingException,
      let record = exceptionLine(line, number, link: tb.records.isEmpty ? .first : tb.pendingLink, frames: tb.frames)
    else {
      emit(tb)
      traceback = nil
      return false
    }
    tb.records.append(record)
    tb.frames.removeAll()
    tb.expectingException = false
    tb.pendingLink = .first
    traceback = tb
    return true
  }

  /// Parses `module.Class: message` (or a bare `module.Class`).
  private func exceptionLine(
    _ line: UnsafeRawBufferPointer, _ number: Int, link: ExceptionRecord.Link, frames: [String]
  ) -> ExceptionRecord? {
    var i = 0
    while i < line.count, line[i].isIdentifierByte || line[i] == 0x2e { i += 1 }
    guard i > 0, line[0].isASCIILetter || line[0] == 0x5f else { return nil }
    let type = line.string(0..<i)
    var message = ""
    if i < line.count {
      guard line[i] == 0x3a else { return nil }
      var start = i + 1
      if start < line.count, line[start] == 0x20 { start += 1 }
      message = Redactor.redact(line.string(start..<min(line.count, start + 2000))).text
    }
    return ExceptionRecord(type: type, message: message, framePaths: frames,
                           location: SourceLocation(input: input, line: number), link: link)
  }

  private func emit(_ tb: TracebackBuilder, openWhenInputEnded: Bool = false) {
    guard !tb.records.isEmpty, !tb.isCleanup else { return }
    var chain = ExceptionChain(records: tb.records, start: tb.start,
                               printedNoLaterThan: tb.uncaught ? [tb.printedAt, tb.firstLaterTime].compactMap { $0 }.min() : nil,
                               namedSDK: tb.namedSDK, printedAt: tb.uncaught ? tb.envelopeTime : nil)
    chain.openWhenInputEnded = openWhenInputEnded
    let location = tb.recordLine.map { SourceLocation(input: input, line: $0) } ?? tb.start
    sink.accept(Fact(time: tb.time, location: location, context: tb.context,
                     kind: .exception(chain, internal: tb.isInternal, uncaught: tb.uncaught),
                     quote: tb.recordQuote))
  }



  /// `[log_1a2b3c, retryOf: log_9f8e7d, request-id: "req_…"] post https://… failed with status 529 in 412ms - retrying, 1 attempts remaining`
  private func readTSSDKResponse(_ line: UnsafeRawBufferPointer, from m: Int, _ emit: (Fact.Kind, Bool) -> Void) {
    guard let at = line.firstOffset(of: " with status ", from: m), let (status, _) = line.decimal(at: at + 13, maxDigits: 3)
    else { return }
    var url: String?
    if let post = line.firstOffset(of: "post ", from: m) ?? line.firstOffset(of: "get ", from: m) {
      url = urlToken(line, from: post)
    }
    emit(.responseHead(status: status, url: url, transport: "fetch"), true)
    if let id = LineClassifier.scanWords(line, from: m).requestID { emit(.requestID(line.string(id)), false) }
    if line.firstOffset(of: "- retrying", from: at) != nil { emit(.retryScheduled(ScheduledRetry()), true) }
  }


  /// `'x-stainless-retry-count': '1'`, `X-Stainless-Package-Version: 0.79.0` in a printed header dict or list.
  private func readStainlessHeaders(_ line: UnsafeRawBufferPointer, from m: Int, _ emit: (Fact.Kind) -> Void) -> Bool {
    let text = line.string(m..<min(line.count, m + 4000))
    let lower = text.lowercased()
    func value(after key: String) -> String? {
      guard let range = lower.range(of: key) else { return nil }
      let rest = lower[range.upperBound...].drop { $0 == "'" || $0 == "\"" || $0 == ":" || $0 == " " || $0 == "=" }
      let value = rest.prefix { $0.isNumber || $0 == "." }
      return value.isEmpty ? nil : String(value)
    }
    var found = false
    if let count = value(after: "x-stainless-retry-count").flatMap({ Int($0) }) {
      emit(.sdkRetryCount(count))
      found = true
    }
    if let timeout = (value(after: "x-stainless-read-timeout") ?? value(after: "x-stainless-timeout")).flatMap(Double.init)
      .flatMap(UntrustedNumber.seconds)
    {
      emit(.sdkTimeout(timeout))
      found = true
    }
    if let version = value(after: "x-stainless-package-version") {
      // The header names no SDK: the user agent or the API's own headers on the same line do.
      let name = lower.contains("anthropic") ? "anthropic" : lower.contains("openai") ? "openai" : nil
      if let name {
        emit(.sdkVersion(name: name, version: version))
        found = true
      }
    }
    return found
  }

  // MARK: - Node errors

  /// `TypeError: terminated`, `Error: read ECONNRESET`, `DOMException [TimeoutError]: …`, `AnthropicError: …`.
  private func nodeErrorHeader(_ line: UnsafeRawBufferPointer, _ number: Int, from start: Int = 0) -> ExceptionRecord? {
    var i = start
    while i < line.count, line[i].isIdentifierByte || line[i] == 0x24 { i += 1 }
    guard i > start, i < line.count else { return nil }
    var name = line.string(start..<i)
    guard name.hasSuffix("Error") || name.hasSuffix("Exception") || name == "Error" else { return nil }
    if line.hasBytes(" [", at: i), let close = line.firstOffset(of: "]", from: i + 2), close - i < 40 {
      name = line.string((i + 2)..<close)  // DOMException [TimeoutError] → TimeoutError
      i = close + 1
    }
    guard line.hasBytes(": ", at: i) || i == line.count else { return nil }
    let message = i + 2 <= line.count ? Redactor.redact(line.string((i + 2)..<min(line.count, i + 2002))).text : ""
    return ExceptionRecord(type: name, message: message, framePaths: [], location: SourceLocation(input: input, line: number),
                           link: .first)
  }

  /// Feeds a line to the open Node error; returns false when the line is not part of it.
  private func continueNodeError(_ line: UnsafeRawBufferPointer, _ number: Int, isRecord: Bool) -> Bool {
    guard var error = nodeError else { return false }
    defer { if nodeError != nil { nodeError = error } }
    var i = 0
    while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
    if !isRecord, line.hasBytes("at ", at: i), i >= 2 {
      // `    at Fetch.onAborted (node:internal/deps/undici/undici:11350:53)` or `    at file:///app/x.mjs:3:9`;
      // a browser console may run the next cause onto the frame: `    at f (App.vue:132:1)Caused by: TypeError: …`.
      let causedBy = line.firstOffset(of: "Caused by: ", from: i + 3)
      var path = line.string((i + 3)..<(causedBy ?? line.count))
      if let open = path.lastIndex(of: "("), path.hasSuffix(")") {
        path = String(path[path.index(after: open)..<path.index(before: path.endIndex)])
      }
      if path.hasSuffix(" {") { path = String(path.dropLast(2)) }
      if error.records[error.records.count - 1].framePaths.count < 256 {
        error.records[error.records.count - 1].framePaths.append(path)
      }
      if let causedBy, var cause = nodeErrorHeader(line, number, from: causedBy + 11) {
        cause.link = .directCause
        error.records.append(cause)
      }
      error.depth += line.last == 0x7b ? 1 : 0
      return true
    }
    if isRecord {
      // A cause forwarded through the same logger as the error: `[ERROR]   [cause]: SocketError: other side closed`.
      if let at = line.firstOffset(of: "[cause]: "), at < 80, var cause = nodeErrorHeader(line, number, from: at + 9) {
        cause.link = .directCause
        error.records.append(cause)
        error.depth += line.last == 0x7b ? 1 : 0
        return true
      }
    } else {
      // A Python application printed the class name in its message; its traceback follows and says more.
      if error.inMessage, error.records.count == 1, error.records[0].framePaths.isEmpty,
        line.hasBytes("Traceback (most recent call last):", at: i)
      {
        nodeError = nil
        return false
      }
      // The error's own header again, now with its stack: a record that logged the message, then `err.stack`.
      if error.records.count == 1, error.records[0].framePaths.isEmpty, error.depth == 0,
        let again = nodeErrorHeader(line, number, from: i), again.type == error.records[0].type,
        again.message == error.records[0].message
      {
        return true
      }
      let head = line.string(i..<min(line.count, i + 12))
      for marker in ["[cause]: ", "caused by: ", "Caused by: ", "cause: "] where head.hasPrefix(marker) {
        if var cause = nodeErrorHeader(line, number, from: i + marker.utf8.count) {
          cause.link = .directCause
          error.records.append(cause)
          error.depth += line.last == 0x7b ? 1 : 0
          return true
        }
      }
      if error.depth > 0 {
        // Inspected properties: keep the error codes, which tell a FIN from a reset or a timeout, and the
        // HTTP status and request id an SDK's `APIError` carries.
        if line.hasBytes("code: '", at: i) {
          let start = i + 7
          var end = start
          while end < line.count, line[end] != 0x27 { end += 1 }
          error.records[error.records.count - 1].message += " code=" + line.string(start..<end)
        } else if line.hasBytes("status: ", at: i), let (status, end) = line.decimal(at: i + 8, maxDigits: 3),
          end == i + 11, (100...599).contains(status)
        {
          error.status = status
        } else if Self.isRequestIDProperty(line, at: i), let id = LineClassifier.scanWords(line, from: i).requestID {
          error.requestID = line.string(id)
        }
        for byte in line {
          if byte == 0x7b { error.depth += 1 } else if byte == 0x7d { error.depth -= 1 }
        }
        return true
      }
    }
    emit(error)
    nodeError = nil
    return false
  }

  private func emit(_ error: NodeErrorBuilder) {
    // Node prints the error the application caught first and its causes after; chains read innermost first.
    var records = Array(error.records.reversed())
    for index in records.indices { records[index].link = index == 0 ? .first : .directCause }
    let chain = ExceptionChain(records: records, start: error.start, namedSDK: error.namedSDK)
    let location = error.recordLine.map { SourceLocation(input: input, line: $0) } ?? error.start
    // The SDK error's status and request id, from its own properties or from those printed just before it.
    var status = error.status ?? error.records.first.flatMap(Catalogue.sdkErrorStatus)
    var requestID = error.requestID
    if let pending = pendingInspected, error.start.line >= pending.line, error.start.line - pending.line <= 60 {
      status = status ?? pending.status
      requestID = requestID ?? pending.requestID
    }
    pendingInspected = nil
    if let requestID {
      sink.accept(Fact(time: error.time, location: location, context: error.context, kind: .requestID(requestID)))
    }
    if let status {
      sink.accept(Fact(time: error.time, location: location, context: error.context,
                       kind: .responseHead(status: status, url: nil, transport: "fetch"),
                       quote: "status: \(status) (a property of the error object)"))
    }
    sink.accept(Fact(time: error.time, location: location, context: error.context,
                     kind: .exception(chain, internal: false, uncaught: false), quote: error.recordQuote))
  }

  // MARK: - Helpers

  /// Counts the current physical line as understood, once.
  private func markUnderstood() {
    guard lineCount != lastUnderstoodLine else { return }
    lastUnderstoodLine = lineCount
    understoodCount += 1
  }

  /// The context id of a thread name, found by its hash; a String is made only for a new name.
  private func contextID(_ line: UnsafeRawBufferPointer, _ range: Range<Int>, hash: UInt64 = 0) -> Int {
    let key = hash != 0 ? hash : LineClassifierHash.fnv1a(line, range)
    for entry in recentThreads where entry.hash == key { return entry.id }
    let id = contexts.id(scope: scope, thread: line.string(range))
    if recentThreads.count >= 64 { recentThreads.removeFirst() }
    recentThreads.append((key, id))
    return id
  }

  private func rememberPreviousLine(_ line: UnsafeRawBufferPointer, record: (Microseconds?, Int, Int)?) {
    if let record {
      previousRecord = (record.0, record.1, record.2)
      lastRecordContext = record.1
      previousLine.store(line)
    } else if traceback == nil {
      previousRecord = nil
    }
  }

  private func quote(_ line: UnsafeRawBufferPointer) -> String {
    Redactor.redact(line.string(0..<min(line.count, 600))).text
  }

  private func quote(_ previous: PreviousLine) -> String {
    quote(previous.bytes)
  }

  private func parseResponseHead(_ line: UnsafeRawBufferPointer, from: Int) -> (status: Int, url: String?)? {
    guard let quoteStart = line.firstOffset(of: "\"HTTP/", from: from) else { return nil }
    var i = quoteStart + 6
    while i < line.count, line[i] != 0x20 { i += 1 }
    guard let (status, _) = line.decimal(at: i + 1, maxDigits: 3) else { return nil }
    return (status, urlToken(line, from: from))
  }

  /// `Retrying request to /v1/messages in 0.43 seconds`, `Retrying request in 0.38 seconds (retry 1 of 2)`.
  private func scheduledRetry(_ line: UnsafeRawBufferPointer, from m: Int) -> ScheduledRetry {
    var retry = ScheduledRetry()
    if let at = line.firstOffset(of: " in ", from: m) { retry.delaySeconds = decimalSeconds(line, from: at + 4) }
    if let at = line.firstOffset(of: "(retry ", from: m), let (ordinal, end) = line.decimal(at: at + 7, maxDigits: 4),
      line.hasBytes(" of ", at: end), let (limit, _) = line.decimal(at: end + 4, maxDigits: 4)
    {
      retry.ordinal = ordinal
      retry.limit = limit
    }
    // `Retrying request` is 16 bytes; the path follows ` to `.
    if line.hasBytes(" to ", at: m + 16) {
      var end = m + 20
      while end < line.count, line[end] != 0x20 { end += 1 }
      retry.api = Catalogue.api(ofURL: line.string(m + 20..<end))
    }
    return retry
  }

  private func urlToken(_ line: UnsafeRawBufferPointer, from: Int) -> String? {
    var i = from
    while i < line.count, line[i] != 0x20 { i += 1 }  // method
    i += 1
    let start = i
    while i < line.count, line[i] != 0x20 { i += 1 }
    return start < i ? Redactor.redact(line.string(start..<i)).text : nil
  }

  private func requestID(_ line: UnsafeRawBufferPointer, from: Int) -> String? {
    var end = from
    while end < line.count, line[end].isIdentifierByte { end += 1 }
    guard end - from >= 8, line.hasBytes("req_", at: from) else { return nil }
    return line.string(from..<end)
  }

  private func decimalSeconds(_ line: UnsafeRawBufferPointer, from: Int) -> Double? {
    var end = from
    while end < line.count, line[end].isASCIIDigit || line[end] == 0x2e { end += 1 }
    return end > from ? Double(line.string(from..<end)).flatMap(UntrustedNumber.seconds) : nil
  }
}

/// The last log record line, kept for quoting when a traceback follows it.
///
/// The line is borrowed from its block and copied only when the block is about to be reused (`detach`),
/// so most lines are never copied. A class, so that its storage goes with its reader (a reader is made per input
/// and per envelope context: 4 KiB each were once never given back, 40 MiB over 10,000 files).
private final class PreviousLine {
  static let capacity = 4096
  let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: PreviousLine.capacity, alignment: 8)
  var count = 0
  var borrowed: UnsafeRawBufferPointer?

  deinit { storage.deallocate() }

  func store(_ line: UnsafeRawBufferPointer) {
    borrowed = UnsafeRawBufferPointer(rebasing: line[0..<min(line.count, PreviousLine.capacity)])
  }

  /// Copies a borrowed line into owned storage, before the memory it points into is reused.
  func detach() {
    guard let line = borrowed else { return }
    count = line.count
    if count > 0 { storage.baseAddress!.copyMemory(from: line.baseAddress!, byteCount: count) }
    borrowed = nil
  }

  var bytes: UnsafeRawBufferPointer { borrowed ?? UnsafeRawBufferPointer(rebasing: storage[0..<count]) }
}

/// A Node error being read: the caught error first, then its `[cause]`s.
private struct NodeErrorBuilder {
  var start: SourceLocation
  var records: [ExceptionRecord]
  var time: Microseconds?
  var context: Int
  var recordLine: Int?
  var recordQuote: String?
  /// Depth of the `{ … }` property blocks Node prints after the frames.
  var depth = 0
  /// The SDK the application named where it logged the error.
  var namedSDK: String?
  /// The HTTP status and request id among the error object's properties (the SDKs' `APIError`).
  var status: Int?
  var requestID: String?
  /// Whether the header was found inside an application's message (`stream failed: RemoteProtocolError: …`),
  /// where a Python traceback of its own may follow and say more.
  var inMessage = false
}

/// A traceback being read, segment by segment.
private struct TracebackBuilder {
  var start: SourceLocation
  var records: [ExceptionRecord] = []
  var frames: [String] = []
  var expectingException = true
  var pendingLink: ExceptionRecord.Link = .first
  var context = 0
  var time: Microseconds?
  var recordQuote: String?
  var recordLine: Int?
  var isInternal = false
  /// asyncio's finalizer failing to close a generator (`an error occurred during closing of asynchronous generator`).
  var isCleanup = false
  var uncaught = false
  /// The SDK the record before the traceback named (its logger or its words).
  var namedSDK: String?
  /// Log records of other threads read while this traceback was open.
  var interleavedRecords = 0
  /// Lines after the last exception line that continue its message (`HTTPStatusError` prints two).
  var messageLines = 0
  /// Of those, the ones not yet known to be part of it (counted as understood once the chain goes on).
  var messageLinesSinceException = 0
  /// The time of the first timestamped record read after the traceback began.
  var firstLaterTime: Microseconds?
  /// The latest time the envelope record the traceback began in allows: it was printed no later.
  var printedAt: Microseconds?
  /// The time the log's envelope gave the traceback's first line, if an envelope held it.
  var envelopeTime: Microseconds?
  /// Whether the traceback's lines arrive inside log records (stderr forwarded through a logger).
  var embedded = false
  /// Where forwarded lines carry their text, and the header bytes just before it (`| stderr | `).
  var forwardingOffset = 0
  var forwardingMarker: [UInt8] = []

  /// The traceback text a forwarded line carries, if the line has the forwarding header's layout.
  func forwardedText(of line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
    let markerStart = forwardingOffset - forwardingMarker.count
    guard markerStart >= 0 else { return nil }
    // A forwarded blank line may have lost its trailing space.
    let available = min(line.count, forwardingOffset) - markerStart
    guard available >= forwardingMarker.count - 1, available > 0 else { return nil }
    for i in 0..<available where line[markerStart + i] != forwardingMarker[i] { return nil }
    guard line.count > forwardingOffset else { return UnsafeRawBufferPointer(rebasing: line[line.count...]) }
    return UnsafeRawBufferPointer(rebasing: line[forwardingOffset...])
  }

  init(start: SourceLocation) {
    self.start = start
  }
}

extension String {
  fileprivate func trimmingPrefixSpaces() -> String { String(drop { $0 == " " }) }

  fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
    String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
  }
}
