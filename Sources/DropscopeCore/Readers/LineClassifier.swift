/// What one line of a log is, decided from its bytes alone.
///
/// Classification keeps no state, so it can run ahead of the reader on another thread;
/// the reader turns classified lines into facts, with the state that needs (tracebacks,
/// thread names, the previous record).
struct ClassifiedLine {
  /// The record header; nil when the line is not a log record (traceback lines, stderr output).
  var prefix: LogLinePrefix?
  /// The message's class; nil when it was left for the reader to classify.
  var message: MessageClass?
  /// FNV-1a hash of the thread name, so the reader can recognise a known thread without reading it.
  var threadHash: UInt64 = 0
}

/// The kinds of log message the reader acts on.
enum MessageClass {
  case unrecognised
  /// `HTTP Request: POST … "HTTP/1.1 200 OK"` (httpx/httpx2 INFO line).
  case responseHead
  /// `Sending HTTP Request: POST …` (SDK debug).
  case requestSending
  /// `Retrying request to /v1/messages in 0.43 seconds`.
  case retryScheduled
  /// `request_id: req_…` (SDK debug).
  case requestIDLine
  /// `Encountered Exception` (SDK debug): the traceback that follows is internal to a retry.
  case encountered
  /// `an error occurred during closing of asynchronous generator …` (asyncio's finalizer hook): the traceback that
  /// follows is a generator's cleanup failing after its stream ended, not a call's failure.
  case generatorCleanup
  /// A record whose message is `Traceback (most recent call last):`.
  case tracebackHeader
  /// httpcore's `receive_response_body.failed exception=…` trace.
  case bodyReadFailed
  /// httpcore's `receive_response_headers.failed exception=…` trace: the attempt failed before its response head.
  case headReadFailed
  /// httpcore's `send_request_headers.started` trace: an attempt's request is being sent.
  case transportRequestStarted
  /// httpcore's `receive_response_headers.complete return_value=(b'HTTP/1.1', 200, …)` trace.
  case transportResponseHead
  /// The TypeScript SDKs' `[log_1a2b3c] post https://… succeeded with status 200 in 842ms` (or `failed with status`).
  case tsSDKResponse
  /// The Python SDKs' debug `Request options: {…, 'idempotency_key': 'stainless-python-retry-…'}`: one key per call.
  case requestOptions
  /// A line that prints request headers with `x-stainless-retry-count` or `x-stainless-package-version`.
  case stainlessHeaders
  /// Free text with an SSE event, a request id or an SDK version in it.
  case words(WordScan)
}

extension MessageClass {
  var isTSSDKResponse: Bool {
    if case .tsSDKResponse = self { return true }
    return false
  }
}

/// What a scan of free text found: at most one event, the first request id, the first version mention.
struct WordScan: Equatable {
  var event: StreamEvent?
  /// A `finish_reason` with a value (the chunk that ends an OpenAI message).
  var finished = false
  var requestID: Range<Int>?
  var version: Range<Int>?
  /// Usage the application logged: `input_tokens=2113`, `'output_tokens': 18`, `"prompt_tokens":12`.
  var inputTokens: Int?
  var outputTokens: Int?
  /// The application's own account of a stream: how many content events it received, and in how long.
  var account: ApplicationAccount?
  /// The application says it ended a stream itself (`cancelled`, `aborting`, `client disconnected`).
  var cancelled = false

  var isEmpty: Bool {
    event == nil && !finished && requestID == nil && version == nil && inputTokens == nil && outputTokens == nil
      && account == nil && !cancelled
  }
}

enum LineClassifier {
  /// Classifies `line`, reusing `cache` for timestamps that share their second.
  /// - Parameter withMessage: whether to classify the message too, or leave it to the reader.
  static func classify(
    _ line: UnsafeRawBufferPointer, cache: inout TimestampParser.SecondCache, withMessage: Bool = true
  ) -> ClassifiedLine {
    guard let prefix = LogLinePrefix.parse(line, cache: &cache) else { return ClassifiedLine(prefix: nil) }
    let hash = prefix.thread.map { LineClassifierHash.fnv1a(line, $0) } ?? 0
    return ClassifiedLine(prefix: prefix, message: withMessage ? message(line, from: prefix.messageStart) : nil,
                          threadHash: hash)
  }

  static func message(_ line: UnsafeRawBufferPointer, from m: Int) -> MessageClass {
    guard m < line.count else { return .unrecognised }
    switch line[m] {
    case 0x48 where line.hasBytes("HTTP Request: ", at: m): return .responseHead
    case 0x53 where line.hasBytes("Sending HTTP Request: ", at: m): return .requestSending
    case 0x52 where line.hasBytes("Retrying request", at: m): return .retryScheduled
    case 0x72 where line.hasBytes("request_id: ", at: m): return .requestIDLine
    case 0x72 where line.hasBytes("receive_response_body.failed", at: m): return .bodyReadFailed
    case 0x72 where line.hasBytes("receive_response_headers.failed", at: m): return .headReadFailed
    case 0x73 where line.hasBytes("send_request_headers.started", at: m): return .transportRequestStarted
    case 0x72 where line.hasBytes("receive_response_headers.complete return_value=(b'HTTP/", at: m):
      return .transportResponseHead
    case 0x45 where line.hasBytes("Encountered ", at: m): return .encountered
    case 0x61 where line.hasBytes("an error occurred during closing of asynchronous generator", at: m): return .generatorCleanup
    case 0x54 where line.hasBytes("Traceback (most recent call last):", at: m): return .tracebackHeader
    case 0x52 where line.hasBytes("Request options: ", at: m): return .requestOptions
    case 0x5b where line.hasBytes("[log_", at: m) && line.firstOffset(of: " with status ", from: m) != nil:
      return .tsSDKResponse
    case 0x70 where line.hasBytes("post ", at: m) && line.firstOffset(of: " with status ", from: m) != nil:
      return .tsSDKResponse
    default:
      var scan = scanWords(line, from: m)
      if scan.event == nil, !scan.finished {
        // An event line is not an account of a stream; other free text may be one.
        scan.account = ApplicationAccount.read(line, from: m)
        scan.cancelled = ApplicationAccount.saysCancelled(line, from: m)
      } else if scan.event == .stopReason || scan.finished {
        // The application's word that a call finished may say how long it took.
        scan.account = ApplicationAccount.readFinished(line, from: m)
      }
      if !scan.isEmpty { return .words(scan) }
      // `x-stainless-…` and `X-Stainless-…` alike; a header dump is a long line, so short messages are skipped.
      guard line.count - m > 80 else { return .unrecognised }
      return line.offset(ofLong: "tainless-", from: m) != nil ? .stainlessHeaders : .unrecognised
    }
  }

  /// Finds SSE event names, chunk finish reasons, request ids and SDK versions in free text.
  ///
  /// Looks only at words around `_ . [ / =`, so most bytes are passed over in one comparison.
  static func scanWords(_ line: UnsafeRawBufferPointer, from start: Int) -> WordScan {
    var scan = WordScan()
    var i = start
    let n = line.count
    while i < n {
      let c = line[i]
      guard isWordTrigger(c) else {
        i += 1
        continue
      }
      let trigger = i
      var wordStart = i
      while wordStart > start, isWordByte(line[wordStart - 1]) { wordStart -= 1 }
      var wordEnd = i + 1
      while wordEnd < n, isWordByte(line[wordEnd]) { wordEnd += 1 }
      i = wordEnd
      let word = wordStart..<wordEnd
      if line[wordStart] == 0x72, line.hasBytes("req_", at: wordStart), word.count >= 20 {
        if scan.requestID == nil { scan.requestID = word }
        continue
      }
      if let tokens = tokenCount(line, word) {
        if tokens.input { scan.inputTokens = scan.inputTokens ?? tokens.count } else { scan.outputTokens = tokens.count }
        continue
      }
      if let event = streamEvent(line, word) {
        // `ended without message_stop`, `no [DONE]`: an application saying the end did not come. Only an end
        // marker is looked behind: the content events of every logged line are never negated.
        if event.isEndOfMessage, isNegated(line, before: wordStart, from: start) { continue }
        if event == .chatFinished || event == .stopReason {
          // `finish_reason=stop`, `stop_reason=end_turn`: the message ended; `None`/`null` says it has not yet.
          if finishReasonIsSet(line, after: wordEnd) {
            if event == .chatFinished { scan.finished = true } else { scan.event = scan.event ?? .stopReason }
          }
        } else if scan.event == nil {
          scan.event = event
        }
        continue
      }
      // `anthropic==0.79.0`, `Anthropic/Python 0.79.0`: checked cheaply before any String is made.
      let mayNameVersion = c == 0x3d
        ? trigger + 1 < n && line[trigger + 1] == 0x3d
        : c == 0x2f && (line.hasBytes("Anthropic/Python", at: wordStart) || line.hasBytes("OpenAI/Python", at: wordStart))
      if mayNameVersion, scan.version == nil { scan.version = word }
      // `request-id=req_…`, `https://…/req_…`: the word right of `=` or `/` is read on its own too.
      if c == 0x3d || c == 0x2f { i = trigger + 1 }
    }
    return scan
  }

  /// Whether one of the two words before `position` denies what follows: `without`, `before`, `no`, `missing`, `never`,
  /// `not` (`stream ended without message_stop`, `did not receive message_stop`, `no [DONE]`).
  private static func isNegated(_ line: UnsafeRawBufferPointer, before position: Int, from start: Int) -> Bool {
    var end = position
    for _ in 0..<2 {
      // Skip the spaces and quotes between words: `no \`message_stop\``, `without "message_stop"`.
      while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x60 || line[end - 1] == 0x22 || line[end - 1] == 0x27 {
        end -= 1
      }
      var wordStart = end
      while wordStart > start, line[wordStart - 1].isASCIILetter { wordStart -= 1 }
      guard wordStart < end, end - wordStart <= 7 else { return false }
      var word: UInt64 = 0
      for i in wordStart..<end { word = word << 8 | UInt64(line[i] | 0x20) }
      switch end - wordStart {
      case 2 where word == 0x6e6f: return true  // no
      case 3 where word == 0x6e_6f74: return true  // not
      case 5 where word == 0x6e_6576_6572: return true  // never
      case 6 where word == 0x6265_666f_7265: return true  // before
      case 7 where word == 0x77_6974_686f_7574 || word == 0x6d_6973_7369_6e67: return true  // without, missing
      default: break
      }
      end = wordStart
    }
    return false
  }

  /// Whether a word worth reading may stand around this byte: `_ . [ / =`, tested as bits of two masks.
  @inline(__always)
  private static func isWordTrigger(_ c: UInt8) -> Bool {
    let low: UInt64 = 1 << 0x2e | 1 << 0x2f | 1 << 0x3d  // . / =
    let high: UInt64 = 1 << (0x5b - 64) | 1 << (0x5f - 64)  // [ _
    return c < 64 ? (low >> c) & 1 == 1 : c < 128 ? (high >> (c - 64)) & 1 == 1 : false
  }

  @inline(__always)
  private static func isWordByte(_ c: UInt8) -> Bool {
    c.isIdentifierByte || c == 0x2e || c == 0x5b || c == 0x5d
  }

  /// `input_tokens` / `prompt_tokens` / `output_tokens` / `completion_tokens` followed by a number.
  private static func tokenCount(_ line: UnsafeRawBufferPointer, _ word: Range<Int>) -> (input: Bool, count: Int)? {
    let s = word.lowerBound
    let input: Bool
    switch (word.count, line[s]) {
    case (12, 0x69) where line.hasBytes("input_tokens", at: s): input = true
    case (13, 0x70) where line.hasBytes("prompt_tokens", at: s): input = true
    case (13, 0x6f) where line.hasBytes("output_tokens", at: s): input = false
    case (17, 0x63) where line.hasBytes("completion_tokens", at: s): input = false
    default: return nil
    }
    var i = word.upperBound
    while i < line.count, i - word.upperBound < 4,
      line[i] == 0x3d || line[i] == 0x3a || line[i] == 0x20 || line[i] == 0x22 || line[i] == 0x27
    {
      i += 1
    }
    guard let (count, _) = line.decimal(at: i, maxDigits: 9) else { return nil }
    return (input, count)
  }

  private static func streamEvent(_ line: UnsafeRawBufferPointer, _ word: Range<Int>) -> StreamEvent? {
    let s = word.lowerBound
    switch (word.count, line[s]) {
    case (13, 0x6d) where line.hasBytes("message_start", at: s): return .messageStart
    case (12, 0x6d) where line.hasBytes("message_stop", at: s): return .messageStop
    case (13, 0x6d) where line.hasBytes("message_delta", at: s): return .messageDelta
    case (19, 0x63) where line.hasBytes("content_block_start", at: s): return .contentBlockStart
    case (19, 0x63) where line.hasBytes("content_block_delta", at: s): return .contentBlockDelta
    case (18, 0x63) where line.hasBytes("content_block_stop", at: s): return .contentBlockStop
    case (21, 0x63) where line.hasBytes("chat.completion.chunk", at: s): return .chatCompletionChunk
    case (13, 0x66) where line.hasBytes("finish_reason", at: s): return .chatFinished
    case (11, 0x73) where line.hasBytes("stop_reason", at: s): return .stopReason
    case (6, 0x5b) where line.hasBytes("[DONE]", at: s): return .done
    case (26, 0x72) where line.hasBytes("response.output_text.delta", at: s): return .responseDelta
    case (18, 0x72) where line.hasBytes("response.completed", at: s): return .responseCompleted
    case (15, 0x72) where line.hasBytes("response.failed", at: s): return .responseFailed
    case (19, 0x72) where line.hasBytes("response.incomplete", at: s): return .responseIncomplete
    default: return nil
    }
  }

  /// Whether `finish_reason` (or `stop_reason`) is followed by a value other than None/null.
  private static func finishReasonIsSet(_ line: UnsafeRawBufferPointer, after end: Int) -> Bool {
    var i = end
    while i < line.count, line[i] == 0x3d || line[i] == 0x3a || line[i] == 0x20 || line[i] == 0x22 || line[i] == 0x27 {
      i += 1
    }
    guard i < line.count else { return false }
    return !(line.hasBytes("None", at: i) || line.hasBytes("null", at: i))
  }
}

/// The hash the classifier and the reader agree on for thread names.
enum LineClassifierHash {
  /// FNV-1a over `range` of `bytes`; never 0.
  @inline(__always)
  static func fnv1a(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in range { hash = (hash ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
    return hash == 0 ? 1 : hash
  }
}
