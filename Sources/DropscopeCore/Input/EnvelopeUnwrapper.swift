#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Takes the records of an envelope apart, before the log readers: each record gives the application's line(s), the
/// record's time and its context.
///
/// The envelope is sniffed on the input's first lines (the same for files, folders, standard input and gzip), then
/// every line is read as that envelope. A record whose text holds several lines (an escaped `\n`, a multi-line
/// CloudWatch event) is expanded in place, every line keeping the record's line number; a line split over records
/// (CRI `P`, Docker's 16 KiB parts) is joined within its context. A line the envelope does not fit is passed on
/// as it is. Without an envelope, lines pass through untouched.
struct EnvelopeUnwrapper {
  /// Receives an unwrapped line, the number of the input line its record starts on, and where it stands.
  typealias Emit = (UnsafeRawBufferPointer, Int, LineOrigin) -> Void

  /// The envelope found; nil when the input has none.
  private(set) var format: EnvelopeFormat?
  /// The contexts found so far; a line's `LineOrigin.context` is an index into this list plus one.
  let contexts: EnvelopeContextList
  /// Lines the envelope did not fit.
  private(set) var strayLines = 0
  /// The first line the envelope did not fit, for the report.
  private(set) var firstStray: (number: Int, text: String)?

  private var sniffing = true
  private var held: [(bytes: [UInt8], number: Int)] = []
  private var heldBytes = 0
  /// Set while the input is one JSON document (CloudWatch, Cloud Logging as an array).
  private var document = JSONDocumentScanner()
  private var inDocument = false
  /// A document's records held until its order is known, and whether it lists the newest first.
  private var documentRecords: [(number: Int, origin: LineOrigin, text: [UInt8])] = []
  private var documentOrder: DocumentOrder = .unknown

  private var parser = EnvelopeRecordParser()
  /// Parts of a line waiting for their last part, by context.
  private var pending: [Int32: (bytes: [UInt8], number: Int, origin: LineOrigin)] = [:]
  private var pendingCount = 0
  /// The context of the last record, by the hash of its key: most records share their neighbour's.
  private var lastContext: (hash: UInt64, id: Int32) = (0xcbf2_9ce4_8422_2325, 0)
  /// The last record of a `journalctl` short listing, which indented continuation lines extend.
  private var lastRecord: (number: Int, origin: LineOrigin, column: Int)?

  /// - Parameter contexts: where the contexts found are listed (shared with whoever hands them on).
  init(contexts: EnvelopeContextList = EnvelopeContextList()) {
    self.contexts = contexts
  }

  /// Reads one input line (without its newline).
  mutating func feed(_ line: UnsafeRawBufferPointer, number: Int, _ emit: Emit) {
    if sniffing {
      held.append((Array(line), number))
      heldBytes += line.count
      if isEnoughToSniff() { decide(emit) }
      return
    }
    unwrap(line, number, emit)
  }

  /// Ends the input: decides on what was held, and hands over parts still waiting and a document's records.
  mutating func finish(_ emit: Emit) {
    if sniffing { decide(emit) }
    for part in pending.values.sorted(by: { $0.number < $1.number }) {
      part.bytes.withUnsafeBytes { Self.emitText($0, part.number, part.origin, emit) }
    }
    pending = [:]
    pendingCount = 0
    if inDocument {
      // Records whose times never differ follow the order their tool writes by default: `gcloud logging read`
      // the newest first, CloudWatch the oldest.
      if documentOrder == .unknown, format == .cloudLogging { documentOrder = .newestFirst }
      if documentOrder == .newestFirst { documentRecords.reverse() }
      for record in documentRecords {
        record.text.withUnsafeBytes { Self.emitText($0, record.number, record.origin, emit) }
      }
      documentRecords = []
    }
  }

  // MARK: - Sniffing

  /// Enough lines were held: 16 that are not empty, or a document's first record, or 256 KiB.
  private func isEnoughToSniff() -> Bool {
    if heldBytes > 1 << 18 || held.count >= 400 { return true }
    guard let first = held.first(where: { !isBlank($0.bytes) }) else { return false }
    let opensDocument = first.bytes.first(where: { $0 > 0x20 }).map { $0 == 0x5b || $0 == 0x7b } ?? false
      && !first.bytes.withUnsafeBytes { JSONObjectFields.walk($0) { _, _ in } != nil }
    if opensDocument { return false }
    return held.lazy.filter { !isBlank($0.bytes) }.count >= 16
  }

  private func isBlank(_ bytes: [UInt8]) -> Bool { !bytes.contains { $0 > 0x20 } }

  /// Decides the envelope from the held lines and reads them.
  private mutating func decide(_ emit: Emit) {
    sniffing = false
    let lines = held
    held = []
    format = sniff(lines)
    inDocument = (format == .cloudWatch || format == .cloudLogging) && isDocument(lines)
    parser.setYear(from: lines)
    for (bytes, number) in lines { bytes.withUnsafeBytes { unwrap($0, number, emit) } }
  }

  /// Whether the held lines start a JSON document (an array, or an object with `events`) rather than JSON lines.
  private func isDocument(_ lines: [(bytes: [UInt8], number: Int)]) -> Bool {
    guard let first = lines.first(where: { !isBlank($0.bytes) }) else { return false }
    return first.bytes.withUnsafeBytes { bytes in
      var i = 0
      while i < bytes.count, bytes[i] <= 0x20 { i += 1 }
      guard i < bytes.count else { return false }
      if bytes[i] == 0x5b { return true }
      // One object per line is JSON lines; an object that does not close on its line, or holds `events`, a document.
      return JSONObjectFields.walk(bytes) { _, _ in } == nil || bytes.firstOffset(of: "\"events\"") != nil
    }
  }

  /// The envelope most of the held lines are in; nil when fewer than four in five fit one.
  private func sniff(_ lines: [(bytes: [UInt8], number: Int)]) -> EnvelopeFormat? {
    var scanner = JSONDocumentScanner()
    var documentFormat: EnvelopeFormat?
    var probe = EnvelopeRecordParser()
    var counts: [EnvelopeFormat: Int] = [:]
    var levelAfterTime = 0
    var considered = 0
    var continuingBare = false
    for (bytes, number) in lines {
      bytes.withUnsafeBytes { line in
        scanner.feed(line, number: number) { element, _ in
          if documentFormat == nil, let format = probe.parseJSON(element), format == .cloudWatch || format == .cloudLogging {
            documentFormat = format
          }
        }
        guard line.contains(where: { $0 > 0x20 }), !line.hasBytes("-- ", at: 0) else { return }
        considered += 1
        if let format = probe.lineFormat(line) {
          counts[format, default: 0] += 1
          // A line that is syslog by its shape may as well be `aws logs tail`'s (a stream where the host stands,
          // the message where the tag does): it counts for both, and the one that fits more lines wins.
          if format == .syslog, probe.parseTimestamped(line), probe.continuesBare { counts[.timestamped, default: 0] += 1 }
          if format == .timestamped, probe.levelFollowsTime(line) { levelAfterTime += 1 }
          continuingBare = format == .timestamped && probe.continuesBare
        } else if continuingBare {
          // A further line of a multi-line event of `aws logs tail`: it fits as part of its record.
          counts[.timestamped, default: 0] += 1
        }
      }
    }
    if let documentFormat { return documentFormat }
    // The most lines fitting; on a tie the more specific shape (syslog's host and tag over a time and a source).
    guard considered > 0,
      let (best, count) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $1.key == .syslog) }),
      count * 5 >= considered * 4
    else { return nil }
    // An application's own ISO time with its level after it is a log format, not `kubectl --timestamps`.
    if best == .timestamped, levelAfterTime * 2 >= count { return nil }
    return best
  }

  // MARK: - Reading records

  private mutating func unwrap(_ line: UnsafeRawBufferPointer, _ number: Int, _ emit: Emit) {
    guard let format else {
      emit(line, number, .none)
      return
    }
    if inDocument {
      // The scanner is taken out while its records are read into `self`.
      var scanner = document
      document = JSONDocumentScanner()
      defer { document = scanner }
      scanner.feed(line, number: number) { element, start in
        guard parser.parseJSON(element) != nil else { return }
        let origin = LineOrigin(time: parser.time, zoned: parser.zoned, context: contextID(), precision: parser.precision)
        readDocumentRecord(start, origin, emit)
      }
      return
    }
    let parsed: Bool
    switch format {
    case .dockerJSON, .journalJSON, .cloudWatch, .cloudLogging:
      parsed = line.first == 0x7b && parser.parseJSON(line) != nil
    case .cri: parsed = parser.parseCRI(line)
    case .timestamped: parsed = parser.parseTimestamped(line)
    case .syslog: parsed = parser.parseSyslog(line)
    case .syslog5424: parsed = parser.parseSyslog5424(line)
    }
    guard parsed else {
      readStray(line, number, emit)
      return
    }
    let origin = LineOrigin(time: parser.time, zoned: parser.zoned, context: contextID(), precision: parser.precision)
    if format == .syslog || parser.continuesBare { lastRecord = (number, origin, parser.slice?.lowerBound ?? 0) }
    if let slice = parser.slice {
      deliver(UnsafeRawBufferPointer(rebasing: line[slice]), number, origin, partial: parser.partial, emit)
    } else {
      let text = parser.text
      text.withUnsafeBytes { deliver($0, number, origin, partial: parser.partial, emit) }
    }
  }

  /// The longest line joined from parts, as the line splitter's limit.
  private static var maxJoinedLength: Int { 1 << 20 }

  /// Which way a document's records run: `gcloud logging read` lists the newest first, CloudWatch the oldest.
  private enum DocumentOrder {
    case unknown, oldestFirst, newestFirst
  }

  /// Hands over a document's record, once the document's order is known: records are held until one's time differs
  /// from the first's; a document that runs oldest first is then read as it comes, one that runs newest first is
  /// held to its end and read from there. The order within is kept (sources may interleave a few ms out of order).
  private mutating func readDocumentRecord(_ number: Int, _ origin: LineOrigin, _ emit: Emit) {
    if documentOrder == .oldestFirst {
      parser.text.withUnsafeBytes { Self.emitText($0, number, origin, emit) }
      return
    }
    documentRecords.append((number, origin, parser.text))
    guard documentOrder == .unknown, let first = documentRecords.first?.origin.time, let time = origin.time, time != first
    else { return }
    documentOrder = time > first ? .oldestFirst : .newestFirst
    if documentOrder == .oldestFirst {
      for record in documentRecords {
        record.text.withUnsafeBytes { Self.emitText($0, record.number, record.origin, emit) }
      }
      documentRecords = []
    }
  }

  /// A line the envelope does not fit: a `journalctl` continuation line extends the record above it (its indentation
  /// removed); a journal's `-- Boot … --` marker is skipped; anything else is passed on as it is.
  private mutating func readStray(_ line: UnsafeRawBufferPointer, _ number: Int, _ emit: Emit) {
    if format == .syslog, let last = lastRecord, line.first == 0x20 {
      var indent = 0
      while indent < line.count, indent < last.column, line[indent] == 0x20 { indent += 1 }
      emit(UnsafeRawBufferPointer(rebasing: line[indent...]), last.number, last.origin)
      return
    }
    if format == .timestamped, let last = lastRecord {
      // The next line of a multi-line event that `aws logs tail` printed: the event's record, its time and stream.
      emit(line, last.number, last.origin)
      return
    }
    if line.hasBytes("-- ", at: 0) || !line.contains(where: { $0 > 0x20 }) { return }
    strayLines += 1
    if firstStray == nil { firstStray = (number, line.string(0..<min(line.count, 120))) }
    emit(line, number, .none)
  }

  /// The id of the parsed record's context; looked up only when its key differs from the last record's.
  @inline(__always)
  private mutating func contextID() -> Int32 {
    let hash = parser.keyHash
    if hash == lastContext.hash { return lastContext.id }
    let id = contexts.intern(parser.key)
    lastContext = (hash, id)
    return id
  }

  /// Hands over a record's text, or keeps it while more parts of its line are to come.
  private mutating func deliver(
    _ text: UnsafeRawBufferPointer, _ number: Int, _ origin: LineOrigin, partial: Bool, _ emit: Emit
  ) {
    if partial {
      if pending[origin.context] == nil {
        pending[origin.context] = ([], number, origin)
        pendingCount += 1
      }
      pending[origin.context]!.bytes.append(contentsOf: text)
      // Parts that never end (a cut file, a runaway writer) are handed over at the longest line read.
      if pending[origin.context]!.bytes.count >= Self.maxJoinedLength, let part = pending.removeValue(forKey: origin.context) {
        pendingCount -= 1
        part.bytes.withUnsafeBytes { Self.emitText($0, part.number, part.origin, emit) }
      }
      return
    }
    if pendingCount > 0, var part = pending.removeValue(forKey: origin.context) {
      pendingCount -= 1
      part.bytes.append(contentsOf: text)
      part.bytes.withUnsafeBytes { Self.emitText($0, part.number, part.origin, emit) }
      return
    }
    // A plain-text envelope's text is a part of one line: it holds no line break.
    if parser.slice != nil {
      emit(Self.trimmingCR(text), number, origin)
    } else {
      Self.emitText(text, number, origin, emit)
    }
  }

  /// Hands over each line of a record's text (a trailing newline ends the last line, it does not start another).
  private static func emitText(_ text: UnsafeRawBufferPointer, _ number: Int, _ origin: LineOrigin, _ emit: Emit) {
    guard let base = text.baseAddress, memchr(base, 0x0a, text.count) != nil else {
      emit(trimmingCR(text), number, origin)
      return
    }
    var start = 0
    while start < text.count {
      let end = text.firstOffset(of: "\n", from: start) ?? text.count
      emit(trimmingCR(UnsafeRawBufferPointer(rebasing: text[start..<end])), number, origin)
      start = end + 1
    }
  }

  @inline(__always)
  private static func trimmingCR(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    line.last == 0x0d ? UnsafeRawBufferPointer(rebasing: line[0..<(line.count - 1)]) : line
  }
}

/// The contexts an unwrapper found, shared with whoever hands them on (a class, so it can be read while the
/// unwrapper is busy delivering a line).
final class EnvelopeContextList {
  private(set) var list: [EnvelopeContext] = []
  private var ids: [[UInt8]: Int32] = [:]
  private var last: (key: [UInt8], id: Int32)?

  /// The id of the context a record's key names (`source` 0x1F `stream`); 0 for an empty key.
  func intern(_ key: [UInt8]) -> Int32 {
    if key.isEmpty { return 0 }
    if let last, last.key == key { return last.id }
    // The caller reuses its key buffer: what is kept here is a copy of its own.
    let owned = key.withUnsafeBufferPointer { Array($0) }
    let id: Int32
    if let known = ids[owned] {
      id = known
    } else {
      let split = key.firstIndex(of: 0x1f) ?? key.count
      let source = String(decoding: key[0..<split], as: UTF8.self)
      let stream = split < key.count ? String(decoding: key[(split + 1)...], as: UTF8.self) : ""
      list.append(EnvelopeContext(source: source, stream: stream))
      id = Int32(list.count)
      ids[owned] = id
    }
    last = (owned, id)
    return id
  }
}
