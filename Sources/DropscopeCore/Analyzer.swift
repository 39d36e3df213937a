#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits that keep memory bounded whatever the input size.
public struct AnalysisOptions: Sendable {
  /// Completed streams listed one by one in the report; more are counted.
  public var maxListedCompletedStreams = 200
  /// Failed streams listed one by one; more are counted.
  public var maxListedFailedStreams = 5_000
  /// Longest line read; longer lines are cut, with a warning.
  public var maxLineLength = 1 << 20
  /// Prices per million input and output tokens, to put a money figure on the drops.
  public var pricePerMillion: (input: Double, output: Double)?
  /// The day (UTC midnight, in microseconds) and zone (minutes east of UTC) of curl traces' times of day.
  public var curlDate: Microseconds?
  public var curlUTCOffsetMinutes: Int?
  /// The zone (minutes east of UTC) of log timestamps written without one; nil reads them as UTC.
  public var logUTCOffsetMinutes: Int?
  /// Which streams the report judges and lists (`--since`, `--until`, `--request-id`, `--context`).
  public var focus = ReportFocus()
  /// Threads by default, wherever work is spread over them: one per processor, up to 4.
  public static var defaultThreads: Int { max(1, min(4, sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
  /// Threads that read a capture's connections (1: all on the calling thread). The report is the same whatever
  /// the number; by default one per processor, up to 4.
  public var captureThreads = AnalysisOptions.defaultThreads
  /// Inputs read at once, each on a thread of its own (1: one after the other). The report is the same whatever the
  /// number; by default one per processor, up to 4.
  public var inputThreads = AnalysisOptions.defaultThreads
  /// The TLS secrets of the key logs given (`--keylog`), to decrypt captured TLS sessions.
  public var keyLog = TLSKeyLog()
  /// Work items per epoch of the capture threads (small in tests, to make many epochs of a small capture); the
  /// facts of three epochs are in flight at most, so this bounds their memory (about 5 MiB at 4,096).
  var captureEpochItems = 4096
  /// Bytes per chunk of the facts of a log read ahead, and of chunks that may wait to be played (small in tests, to
  /// make many chunks and many waits of small logs).
  var readAheadChunkBytes = 1 << 18
  var readAheadBudget = 4 << 20

  /// `2026-11-22` → its UTC midnight; nil for anything else.
  public static func midnight(of day: String) -> Microseconds? {
    guard day.utf8.count == 10 else { return nil }
    return TimestampParser.parse(day + "T00:00:00Z")
  }

  /// `+01:00`, `-0530`, `UTC`, `Z` → minutes east of UTC; nil for anything else.
  public static func utcOffsetMinutes(_ zone: String) -> Int? {
    if zone == "UTC" || zone == "Z" { return 0 }
    guard let sign = zone.first, sign == "+" || sign == "-" else { return nil }
    let digits = zone.dropFirst().filter { $0 != ":" }
    guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours <= 14, minutes < 60
    else { return nil }
    return (sign == "-" ? -1 : 1) * (hours * 60 + minutes)
  }

  public init() {}
}

/// Runs the whole analysis: inputs → readers → assembler → diagnosis → report. Never prints.
public struct Analyzer {
  public var options: AnalysisOptions
  /// Called with the name of each input as reading starts.
  public var onInputStart: (@Sendable (String) -> Void)?
  /// Called as each input is read: at its start, every MiB or so of it, and at its end (for progress on a terminal).
  /// It may be called on another thread than `analyze`'s; calls for one input come in order, one at a time.
  public var onProgress: (@Sendable (InputProgress) -> Void)?

  public init(options: AnalysisOptions = AnalysisOptions()) {
    self.options = options
  }

  /// The TCP connections of a capture file, as dropscope reads them (for cross-checks against other tools).
  public func connections(inCapture path: String) -> [ConnectionSummary] {
    final class Discard: FactSink {
      func accept(_ fact: borrowing Fact) {}
      func inputEnded(_ input: Int) {}
    }
    let capture = CaptureReader(input: 0, sink: Discard(), keepingSummaries: true)
    var file = CaptureFileReader()
    var decoder = InputDecoder(input: AnalysisInput(path: path), maxLineLength: options.maxLineLength)
    _ = decoder.runCapture { bytes in
      file.feed(bytes) { capture.read($0) }
      return file.failure == nil
    }
    capture.finish()
    return capture.summaries
  }

  /// Analyzes the inputs and returns the report, with `expansionWarnings` (from `AnalysisInput.expand`) among its
  /// warnings.
  public func analyze(_ inputs: [AnalysisInput], expansionWarnings: [AnalysisWarning] = []) -> Report {
    // Key logs among the inputs (a capture's folder often holds its SSLKEYLOGFILE) are keys, not logs.
    let keyLogInputs = inputs.filter { TLSKeyLog.isKeyLog(path: $0.path) }
    var keyLog = options.keyLog
    for input in keyLogInputs { keyLog.add(text: TLSKeyLog.contents(path: input.path)) }
    let inputs = inputs.filter { input in !keyLogInputs.contains { $0.path == input.path } }
    let collector = VerdictCollector(options: options)
    var diagnoser = Diagnoser(inputNames: inputs.map(\.displayName))
    var pending: [StreamEvidence] = []
    let assembler = Assembler { pending.append($0) }
    var summaries: [Report.InputSummary] = []
    var warnings = expansionWarnings
    var secrets = 0
    var firstTime: Microseconds?
    var lastTime: Microseconds?
    var sawUnzoned = false
    var skippedReports: [String] = []
    /// Remarks on curl traces, with the traces each applies to.
    var curlNotes: [String: [String]] = [:]
    /// Inputs read through an envelope, by envelope.
    var envelopeNotes: [EnvelopeFormat: [String]] = [:]
    /// What decrypting each capture's TLS sessions gave, by input name.
    var decryptions: [(input: String, tally: TLSDecryptionTally)] = []

    let calls = CallTimeline()
    /// A completed stream the report will not list is only counted: no verdict needs to be built for it.
    /// A retried attempt waits for the rest of its call, so the call's attempts are measured together.
    func diagnoseOrCount(_ finished: StreamEvidence) {
      for stream in calls.add(finished) { diagnoseOrCountReady(stream) }
    }
    func diagnoseOrCountReady(_ stream: StreamEvidence) {
      if stream.retired { return collector.countRetired(call: stream.call, attempt: stream.attempt, input: stream.input) }
      if stream.events.endMarker != nil, stream.client.exception == nil, !collector.listsMoreCompleted {
        collector.countCompletedUnlisted(call: stream.call, attempt: stream.attempt, input: stream.input)
      } else {
        collector.add(diagnoser.diagnose(stream), input: stream.input)
      }
    }

    // Several logs are read at once, ahead of the assembler, which takes their facts in input order.
    let readAhead = options.inputThreads > 1 && inputs.count > 1
      ? LogReadAhead(inputs: inputs, threads: options.inputThreads, maxLineLength: options.maxLineLength,
                     unzonedOffsetMinutes: options.logUTCOffsetMinutes ?? 0,
                     chunkBytes: options.readAheadChunkBytes, budget: options.readAheadBudget)
      : nil
    for (index, named) in inputs.enumerated() {
      onInputStart?(named.displayName)
      let item = readAhead?.take(index)
      let input = item?.input ?? named.opened()  // once: what is sniffed is handed on to the reader
      let sniffed = item?.kind ?? InputDecoder.sniffDecodedKind(input)
      let meter = InputProgressMeter.start(onProgress, input: input, index: index, count: inputs.count)
      defer { meter?.finish() }
      if LogReadAhead.isReadAsCapture(sniffed) {
        diagnoser.wireInputs.insert(index)
        // Streams are diagnosed as their connections close, so memory follows the connections open at once.
        func diagnoseFinished(_ names: [Int: String]) {
          guard !pending.isEmpty else { return }
          diagnoser.sdkVersions = assembler.sdkVersions
          var known: [Int: String] = [:]
          for stream in pending { known[stream.context] = names[stream.context] }
          diagnoser.contextNames[index] = known
          for stream in pending { diagnoseOrCount(stream) }
          pending.removeAll(keepingCapacity: true)
        }
        let capture: CaptureSummary
        switch sniffed {
        case .transcript:
          capture = readTranscript(input, index: index, assembler: assembler, warnings: &warnings, drain: diagnoseFinished)
        case .har:
          diagnoser.archiveInputs.insert(index)
          capture = readHAR(input, index: index, assembler: assembler, warnings: &warnings, drain: diagnoseFinished)
        case .curlTrace:
          capture = readCurlTrace(input, index: index, assembler: assembler, notes: &curlNotes, warnings: &warnings,
                                  drain: diagnoseFinished)
        default:
          capture = readCapture(input, index: index, keyLog: keyLog, assembler: assembler, warnings: &warnings,
                                drain: diagnoseFinished)
        }
        diagnoseFinished(capture.contextNames)
        for stream in calls.flush() { diagnoseOrCountReady(stream) }
        secrets += capture.secrets
        if let tally = capture.decryption { decryptions.append((input.displayName, tally)) }
        if let t = capture.firstTime { firstTime = min(firstTime ?? t, t) }
        if let t = capture.lastTime { lastTime = max(lastTime ?? t, t) }
        summaries.append(Report.InputSummary(
          name: input.displayName, kind: sniffed, bytes: capture.result.rawBytes, decodedBytes: capture.result.decodedBytes,
          lines: capture.packets, logRecords: capture.tcpSegments, linesUnderstood: capture.tcpSegments,
          streams: collector.streamsPerInput[index, default: 0]))
        // A capture already warned about (a link type not decoded, a cut file) needs no second, vaguer warning.
        if !warnings.contains(where: { $0.input == input.displayName }),
          let warning = InputShapeWarning.warning(input: input.displayName, kind: sniffed, records: capture.packets,
                                                  streams: collector.streamsPerInput[index, default: 0])
        {
          warnings.append(warning)
        }
        continue
      }
      func flush(_ contextName: (Int) -> String?) {
        guard !pending.isEmpty else { return }
        // The names of these streams' contexts only: all of them, each time, would cost as much as the threads seen.
        for stream in pending where !stream.retired {
          diagnoser.contextNames[index, default: [:]][stream.context] = contextName(stream.context)
        }
        diagnoser.sdkVersions = assembler.sdkVersions
        for stream in pending { diagnoseOrCount(stream) }
        pending.removeAll(keepingCapacity: true)
      }
      let reader: LogReading
      if let readAhead, let tape = item?.tape {
        // The facts as the log's readers gave them, with the same points between lines to look for finished streams.
        var names = RecentNames()
        var player = FactTapePlayer(input: index)
        while let chunk = readAhead.next(tape) {
          for (id, name) in chunk.names { names[id] = name }
          player.play(chunk) { entry in
            switch entry {
            case .fact(let fact, let lineEnded):
              assembler.accept(fact)
              if lineEnded, !pending.isEmpty { flush { names[$0] } }
            case .linesEnded(let damaged):
              if damaged { diagnoser.damagedInputs.insert(index) }
            case .inputEnded:
              assembler.inputEnded(index)
            }
          }
        }
        flush { names[$0] }
        reader = tape.reading!
      } else {
        let readers = LogReaderSet(input: index, sink: assembler)
        let result = LinePipeline.run(input, maxLineLength: options.maxLineLength,
                                      unzonedOffsetMinutes: options.logUTCOffsetMinutes ?? 0, { line, number, classified, origin in
          readers.read(line: line, number: number, classified: classified, origin: origin)
          if !pending.isEmpty { flush(readers.contextName) }
        }, onContext: readers.define, onBlockEnd: readers.blockWillBeReused)
        if result.damaged { diagnoser.damagedInputs.insert(index) }
        readers.finish()
        flush(readers.contextName)
        reader = LogReading(result: result, readers: readers)
      }
      let result = reader.result
      for stream in calls.flush() { diagnoseOrCountReady(stream) }
      if result.isDropscopeFile { skippedReports.append(input.displayName) }
      secrets += result.secrets
      warnings += result.warnings
      if let envelope = result.envelope {
        envelopeNotes[envelope, default: []].append(input.displayName)
        if let stray = result.firstEnvelopeStray {
          warnings.append(InputShapeWarning.strays(input: input.displayName, envelope: envelope,
                                                   count: result.envelopeStrays, first: stray))
        }
      }
      if result.readAsText, !result.isDropscopeFile, let warning = InputShapeWarning.warning(
        input: input.displayName, kind: result.kind, envelope: result.envelope,
        streams: collector.streamsPerInput[index, default: 0], records: reader.recordsRead,
        recognised: reader.recordsRecognised, firstUnrecognised: reader.firstUnrecognised)
      {
        warnings.append(warning)
      }
      if let t = reader.firstTime { firstTime = min(firstTime ?? t, t) }
      if let t = reader.lastTime { lastTime = max(lastTime ?? t, t) }
      sawUnzoned = sawUnzoned || reader.sawUnzonedTime
      if result.isDropscopeFile { continue }
      summaries.append(Report.InputSummary(
        name: input.displayName, kind: result.kind, bytes: result.rawBytes, decodedBytes: result.decodedBytes,
        lines: reader.lineCount, logRecords: reader.recordCount, linesUnderstood: reader.understoodCount,
        streams: collector.streamsPerInput[index, default: 0], timePrecision: reader.timePrecision))
    }

    var notes = curlNotes.keys.sorted().map { remark in
      let names = curlNotes[remark] ?? []
      let list = names.prefix(3).map { "`\($0)`" }.joined(separator: ", ") + (names.count > 3 ? ", …" : "")
      return "curl trace\(names.count == 1 ? "" : "s") \(list): \(remark)."
    }
    for envelope in EnvelopeFormat.allCases {
      guard let names = envelopeNotes[envelope] else { continue }
      let list = names.prefix(3).map { "`\($0)`" }.joined(separator: ", ") + (names.count > 3 ? ", …" : "")
      notes.append("Read as \(envelope.description): \(list). Each record was unwrapped to the application's lines; a line without a time of its own took its record's, and each container, process or log stream was read as a context of its own.")
    }
    if let note = TLSDecryptionTally.note(decryptions, keyLogInputs: keyLogInputs.map(\.displayName)) { notes.append(note) }
    if sawUnzoned {
      notes.append("Timestamps without a time zone were read as \(options.logUTCOffsetMinutes.map { "\(TimeFormatting.utcOffset(minutes: $0)) (`--tz`)" } ?? "UTC").")
    }
    if !skippedReports.isEmpty {
      notes.append("Skipped \(skippedReports.count) of dropscope's own file\(skippedReports.count == 1 ? "" : "s") found among the inputs (reports or expected verdicts, not logs): \(skippedReports.prefix(3).map { "`\($0)`" }.joined(separator: ", "))\(skippedReports.count > 3 ? ", …" : "").")
    }
    for (chain, location) in assembler.unattributedExceptions.prefix(20) {
      let name = location.input < inputs.count ? inputs[location.input].displayName : "?"
      notes.append("An exception outside any stream was logged at \(name):\(location.line): `\(chain.final?.type ?? "?")`.")
    }
    let span = firstTime.flatMap { start in
      lastTime.map { Report.TimeSpan(start: TimeFormatting.iso(start), end: TimeFormatting.iso($0),
                                     seconds: Double($0 - start) / 1e6) }
    }
    return collector.report(inputs: summaries, span: span, secrets: secrets, notes: notes, warnings: warnings)
  }


  /// What reading one capture gave.
  private struct CaptureSummary {
    var result: InputDecoder.Result
    var packets: Int
    var tcpSegments: Int
    var firstTime: Microseconds?
    var lastTime: Microseconds?
    var contextNames: [Int: String]
    var secrets: Int
    /// What decrypting its TLS sessions gave, when keys were given or the capture carried some.
    var decryption: TLSDecryptionTally?
  }

  /// Reads a transcript (plain or gzipped) record by record into the assembler, as a capture.
  private func readTranscript(
    _ input: AnalysisInput, index: Int, assembler: Assembler, warnings: inout [AnalysisWarning],
    drain: ([Int: String]) -> Void
  ) -> CaptureSummary {
    let capture = CaptureReader(input: index, sink: assembler)
    var decoder = InputDecoder(input: input, maxLineLength: options.maxLineLength)
    var records = 0, skipped = 0
    var absurdLine: Int?
    var firstTime: Microseconds?
    var lastTime: Microseconds?
    let result = decoder.run { line, number in
      guard let record = Transcript.parse(line) else {
        if !line.isEmpty, line[0] != UInt8(ascii: "#") { skipped += 1 }
        return
      }
      records += 1
      if case .lost(let count) = record.kind, count > UntrustedNumber.mostLostBytes, absurdLine == nil { absurdLine = number }
      if firstTime == nil { firstTime = record.time }
      lastTime = max(lastTime ?? record.time, record.time)
      capture.read(record, line: number)
      if number & 1023 == 0 { drain(capture.contextNames) }
    }
    warnings += result.warnings
    if skipped > 0 {
      warnings.append(AnalysisWarning(input: input.displayName, message: "\(skipped) lines are not transcript records and were skipped"))
    }
    if let absurdLine { warnings.append(Self.absurdLostBytes(input, line: absurdLine)) }
    capture.finish()
    return CaptureSummary(result: result, packets: records, tcpSegments: records, firstTime: firstTime, lastTime: lastTime,
                          contextNames: capture.contextNames, secrets: capture.secrets)
  }

  /// Reads a HAR export (plain or gzipped) whole, entry by entry, as connections.
  private func readHAR(
    _ input: AnalysisInput, index: Int, assembler: Assembler, warnings: inout [AnalysisWarning],
    drain: ([Int: String]) -> Void
  ) -> CaptureSummary {
    let capture = CaptureReader(input: index, sink: assembler)
    var decoder = InputDecoder(input: input, maxLineLength: options.maxLineLength)
    var scanner = HARArchive.EntryScanner()
    var firstTime: Microseconds?
    var lastTime: Microseconds?
    // Entries are read one at a time, in the order the archive holds them.
    let result = decoder.runCapture { bytes in
      scanner.feed(bytes) { entry in
        for problem in HARArchive.read(entry, into: capture) where warnings.count < 100 {
          warnings.append(AnalysisWarning(input: input.displayName, problem: problem))
        }
        if let span = HARArchive.span(of: entry) {
          firstTime = min(firstTime ?? span.started, span.started)
          lastTime = max(lastTime ?? span.ended, span.ended)
        }
        if entry.number & 63 == 0 { drain(capture.contextNames) }
      }
      return true
    }
    warnings += result.warnings
    if !scanner.foundEntries {
      warnings.append(AnalysisWarning(input: input.displayName, message: "this looks like a HAR file but has no `log.entries` (it may be cut short, or not HAR 1.2); nothing in it was analyzed"))
    } else if scanner.endedInsideEntry {
      warnings.append(AnalysisWarning(input: input.displayName, message: "the HAR ends inside entry \(scanner.entryCount + 1) (the file was cut short): the \(scanner.entryCount) entries before it were analyzed"))
    }
    capture.finish()
    return CaptureSummary(result: result, packets: scanner.entryCount, tcpSegments: scanner.entryCount,
                          firstTime: firstTime, lastTime: lastTime, contextNames: capture.contextNames,
                          secrets: capture.secrets)
  }

  /// Reads a curl trace (plain or gzipped) into the assembler, as a capture whose connections curl names.
  private func readCurlTrace(
    _ input: AnalysisInput, index: Int, assembler: Assembler, notes: inout [String: [String]],
    warnings: inout [AnalysisWarning], drain: ([Int: String]) -> Void
  ) -> CaptureSummary {
    let sink = UntimedFacts(assembler)
    let capture = CaptureReader(input: index, sink: sink)
    let (midnight, anchor) = curlDay(for: input)
    var reader = CurlTraceReader(capture: capture, midnight: midnight)
    var firstTime: Microseconds?
    var lastTime: Microseconds?
    var decoder = InputDecoder(input: input, maxLineLength: options.maxLineLength)
    let result = decoder.run { line, number in
      reader.read(line, number: number)
      sink.enabled = reader.timed == false
      if number & 1023 == 0 { drain(capture.contextNames) }
      if reader.timed == true, let t = reader.currentTime {
        firstTime = min(firstTime ?? t, t)
        lastTime = max(lastTime ?? t, t)
      }
    }
    reader.finish()
    capture.finish()
    warnings += result.warnings
    if let line = reader.absurdLine { warnings.append(Self.absurdLostBytes(input, line: line)) }
    if let unattributed = reader.unattributed {
      warnings.append(AnalysisWarning(
        input: input.displayName, line: unattributed.line,
        message: "curl had \(unattributed.exchanges) transfers in flight at once from here, and its lines do not say which received bytes are whose (a trace without `--trace-ids`, which curl 8.2 added): while several are in flight, what arrives counts as unseen by each, so their verdicts stay open where it matters; `--trace-ids` tells them apart"))
    }
    if reader.records == 0 {
      warnings.append(AnalysisWarning(
        input: input.displayName,
        message: "this curl trace holds no connection and no exchange dropscope recognizes: nothing in it was analyzed"))
    }
    let remark = reader.timed == true
      ? "times of day only (curl prints no date), read as \(anchor)\(options.curlDate == nil ? "; pass `--date` and `--tz` to set the day and zone" : "")"
      : "no times (no `--trace-time`): what was sent and received, and in what order, but not the silence before a close"
    notes[remark, default: []].append(input.displayName)
    return CaptureSummary(result: result, packets: reader.records, tcpSegments: reader.records, firstTime: firstTime,
                          lastTime: lastTime, contextNames: capture.contextNames, secrets: capture.secrets)
  }

  /// The warning for a count of lost bytes over `UntrustedNumber.mostLostBytes` (first on `line`).
  private static func absurdLostBytes(_ input: AnalysisInput, line: Int) -> AnalysisWarning {
    AnalysisWarning(input: input.displayName, line: line, problem: .absurdValue(
      what: "a count of lost bytes over 1 GiB", consequence: "read as 1 GiB"))
  }

  /// The day and zone a curl trace's times of day are in: from the options, else the file's modification date
  /// (UTC); and how the report should say it.
  private func curlDay(for input: AnalysisInput) -> (midnight: Microseconds, description: String) {
    let offset = Microseconds(options.curlUTCOffsetMinutes ?? 0) * 60_000_000
    let zone = options.curlUTCOffsetMinutes.map { TimeFormatting.utcOffset(minutes: $0) } ?? "UTC"
    if let day = options.curlDate {
      return (day - offset, "\(TimeFormatting.day(day)), \(zone) (from the options)")
    }
    if let day = Self.dayInName(input.displayName) {
      return (day - offset, "\(TimeFormatting.day(day)) (from the file name), \(zone)")
    }
    var status = stat()
    #if canImport(Glibc)
    let modified = stat(input.path, &status) == 0 ? Int64(status.st_mtim.tv_sec) : 0
    #else
    let modified = stat(input.path, &status) == 0 ? Int64(status.st_mtimespec.tv_sec) : 0
    #endif
    let day = Microseconds(modified / 86_400) * 86_400_000_000
    return (day - offset, "\(TimeFormatting.day(day)) (the file's modification date), \(zone)")
  }

  /// The first `YYYY-MM-DD` in a file name, as its UTC midnight.
  static func dayInName(_ name: String) -> Microseconds? {
    let bytes = Array(name.utf8)
    guard bytes.count >= 10 else { return nil }
    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    for start in 0...(bytes.count - 10) {
      let c = bytes[start..<(start + 10)]
      guard c.enumerated().allSatisfy({ i, b in i == 4 || i == 7 ? b == 0x2d : isDigit(b) }) else { continue }
      if let day = AnalysisOptions.midnight(of: String(decoding: c, as: UTF8.self)) { return day }
    }
    return nil
  }

  /// Reads a pcap or pcapng file (plain or gzipped) packet by packet into the assembler.
  private func readCapture(
    _ input: AnalysisInput, index: Int, keyLog: TLSKeyLog, assembler: Assembler, warnings: inout [AnalysisWarning],
    drain: ([Int: String]) -> Void
  ) -> CaptureSummary {
    let capture: any PacketReader = options.captureThreads > 1
      ? ParallelCaptureReader(input: index, sink: assembler, threads: options.captureThreads,
                              itemsPerEpoch: options.captureEpochItems)
      : CaptureReader(input: index, sink: assembler)
    let keyring = TLSKeyring(keyLog)
    capture.keyring = keyring
    var file = CaptureFileReader()
    file.keyring = keyring
    var decoder = InputDecoder(input: input, maxLineLength: options.maxLineLength)
    var firstTime: Microseconds?
    var lastTime: Microseconds?
    func read(_ packet: CapturedPacket) -> Bool {
      if packet.time > 0 {
        if firstTime == nil { firstTime = packet.time }
        lastTime = max(lastTime ?? packet.time, packet.time)
      }
      let delivered = capture.read(packet)
      if delivered {
        drain(capture.contextNames)
        capture.streamsDiagnosed()
      }
      return delivered
    }
    // A plain capture file is mapped and read in place; gzip and standard input are read in chunks.
    let mapped = decoder.runMappedCapture { mapped in
      capture.packetsStayValid = true
      file.feed(mapped.bytes) { packet in
        if let at = packet.data.baseAddress { mapped.populate(ahead: at) }
        if read(packet) { mapped.release(before: capture.oldestPacketInUse ?? packet.data.baseAddress ?? mapped.bytes.baseAddress!) }
      }
      capture.finish()  // while the file is still mapped: work under way reads it
    }
    let result = mapped ?? decoder.runCapture { bytes in
      file.feed(bytes) { _ = read($0) }
      return file.failure == nil
    }
    if mapped == nil { capture.finish() }
    warnings += result.warnings
    if let failure = file.failure {
      warnings.append(AnalysisWarning(input: input.displayName, message: "\(failure); the packets before it were analyzed"))
    } else if let cut = file.unfinished() {
      warnings.append(AnalysisWarning(input: input.displayName, offset: cut.offset,
        message: "the capture ends in the middle of a packet at offset \(cut.offset) (\(cut.bytes) bytes of it are there): the capture was cut short, as when tcpdump is killed; everything before it was analyzed, and bytes missing at the end count as capture loss, not as a cut by the server"))
    }
    if file.failure == nil, file.packetCount == 0 {
      warnings.append(AnalysisWarning(input: input.displayName, message: "the capture holds no packets"))
    }
    if let absurd = file.absurd {
      warnings.append(AnalysisWarning(input: input.displayName, offset: absurd.offset, problem: .absurdValue(
        what: "the packet at offset \(absurd.offset) has \(absurd.what)\(absurd.count > 1 ? " (and \(absurd.count - 1) more packets have such values)" : "")",
        consequence: absurd.consequence)))
    }
    if capture.tcpSegments == 0, let unknown = file.linkTypes.first(where: { !TCPSegment.decodedLinkTypes.contains($0) }) {
      warnings.append(AnalysisWarning(input: input.displayName, problem: .unsupportedLinkType(Int(unknown))))
    }
    for failure in capture.decryption.failures {
      warnings.append(AnalysisWarning(input: input.displayName, message: TLSDecryptionTally.warning(failure)))
    }
    return CaptureSummary(result: result, packets: file.packetCount, tcpSegments: capture.tcpSegments,
                          firstTime: firstTime, lastTime: lastTime, contextNames: capture.contextNames, secrets: capture.secrets,
                          decryption: keyring.isEmpty ? nil : capture.decryption)
  }
}
