/// Opens one input, sniffs what it is, decodes it (plain or gzip) and delivers its lines.
///
/// Nothing here is fatal: an unreadable file, a capture, binary data, damaged gzip and
/// invalid UTF-8 each become a warning, and whatever could be read is delivered.
struct InputDecoder {
  let input: AnalysisInput
  let maxLineLength: Int

  /// What was read, for the report.
  struct Result {
    var kind: InputKind = .empty
    var rawBytes: Int64 = 0
    var decodedBytes: Int64 = 0
    var warnings: [AnalysisWarning] = []
    /// Secrets in the decoded text (counted by the caller that sees the lines).
    var secrets = 0
    /// Whether the input was read as text (and so should have had log lines).
    var readAsText = false
    /// Whether decoding stopped early because the data was damaged or cut.
    var damaged = false
    /// Whether the input is one of dropscope's own files (a report, expected verdicts), skipped on purpose.
    var isDropscopeFile = false
    /// The envelope the lines were unwrapped from (set by `LinePipeline`), and the lines it did not fit (and the
    /// first of them).
    var envelope: EnvelopeFormat?
    var envelopeStrays = 0
    var firstEnvelopeStray: (number: Int, text: String)?
  }

  init(input: AnalysisInput, maxLineLength: Int) {
    self.input = input
    self.maxLineLength = maxLineLength
  }

  /// Reads the input to its end, calling `onLine` with each line and its 1-based number.
  mutating func run(_ onLine: (UnsafeRawBufferPointer, Int) -> Void) -> Result {
    var text = TextStage(name: input.displayName, maxLineLength: maxLineLength)
    var result = decode(acceptCaptures: false, refusal: { text.refusal($0) }) { decoded in
      text.feed(decoded, onLine)
      return !text.refused
    }
    text.finish(onLine)
    if result.kind == .gzip, text.decodedBytes == 0, !text.refused, result.warnings.isEmpty {
      result.warnings.append(AnalysisWarning(input: input.displayName, message: "the gzip file holds no data"))
    }
    result.decodedBytes = text.decodedBytes
    result.readAsText = !text.refused && text.decodedBytes > 0
    result.warnings += text.warnings
    result.isDropscopeFile = text.skippedDropscopeFile
    return result
  }

  /// Reads a capture (pcap or pcapng, plain or gzipped) to its end, calling `onBytes` with its decoded bytes.
  mutating func runCapture(_ onBytes: (UnsafeRawBufferPointer) -> Bool) -> Result {
    var decoded: Int64 = 0
    var result = decode(acceptCaptures: true, refusal: { kind in
      AnalysisWarning(input: input.displayName, message: "\(kind.rawValue) data is not a capture: skipped")
    }) { bytes in
      decoded += Int64(bytes.count)
      return onBytes(bytes)
    }
    result.decodedBytes = decoded
    return result
  }

  /// Maps a plain (not gzipped) capture file and hands it over whole, so packets are read where they lie.
  /// - Returns: nil when the input is not a plain capture in a regular file: read it with `runCapture`.
  mutating func runMappedCapture(_ onFile: (MappedFile) -> Void) -> Result? {
    guard let file = (input.source ?? (try? InputSource(path: input.path)))?.map() else { return nil }
    let kind = InputKind.sniff(raw: UnsafeRawBufferPointer(rebasing: file.bytes.prefix(1 << 16)))
    guard kind == .pcap || kind == .pcapng else { return nil }
    onFile(file)
    var result = Result()
    result.kind = kind
    result.rawBytes = Int64(file.bytes.count)
    result.decodedBytes = result.rawBytes
    return result
  }

  /// Opens the input, sniffs it, and delivers its decoded bytes (inflating gzip) until `deliver` says stop.
  private func decode(
    acceptCaptures: Bool, refusal: (InputKind) -> AnalysisWarning, _ deliver: (UnsafeRawBufferPointer) -> Bool
  ) -> Result {
    var result = Result()
    let name = input.displayName
    let file: InputSource
    do {
      file = try input.source ?? InputSource(path: input.path)
    } catch {
      result.warnings.append(AnalysisWarning(input: name, message: "\(error)"))
      return result
    }
    let chunkSize = 1 << 18
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }
    var first = true
    var inflater: GzipInflater?
    var going = true

    while going {
      let count: Int
      do {
        count = try file.read(into: buffer)
      } catch {
        result.warnings.append(AnalysisWarning(input: name, offset: file.offset, message: "\(error); the bytes before it were analyzed"))
        break
      }
      if count == 0 { break }
      let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
      if first {
        first = false
        result.kind = InputKind.sniff(raw: chunk)
        switch result.kind {
        case .gzip:
          inflater = GzipInflater()
        case .text, .json, .transcript, .curlTrace, .har:
          break
        case .pcap, .pcapng where acceptCaptures:
          break
        default:
          result.warnings.append(refusal(result.kind))
          result.rawBytes = Int64(count)
          return result
        }
      }
      if inflater != nil {
        let damage = inflater!.feed(chunk) { decoded in
          if going { going = deliver(decoded) }
        }
        if let damage {
          result.warnings.append(AnalysisWarning(input: name, offset: damage.offset, message: damage.message))
          result.damaged = true
          break
        }
      } else {
        going = deliver(chunk)
      }
    }
    result.rawBytes = file.offset
    if !result.damaged, going, let damage = inflater?.finish() {
      result.warnings.append(AnalysisWarning(input: name, offset: damage.offset, message: damage.message))
      result.damaged = true
    }
    if first {
      result.kind = .empty
      result.warnings.append(AnalysisWarning(input: name, message: "empty file: nothing to analyze"))
    }
    return result
  }

  /// The kind of an input, looking inside gzip: whether it is a capture decides how it is read. The bytes sniffed
  /// stay in the input's source, to be read again from there.
  static func sniffDecodedKind(_ input: AnalysisInput) -> InputKind {
    guard let source = input.source else { return .text }
    let bytes = source.head(1 << 16)
    guard !bytes.isEmpty else { return .empty }
    return bytes.withUnsafeBytes { sniffDecodedKind(head: $0) }
  }

  private static func sniffDecodedKind(head: UnsafeRawBufferPointer) -> InputKind {
    let kind = InputKind.sniff(raw: head)
    guard kind == .gzip else { return kind }
    var inflater = GzipInflater(outputCapacity: 1 << 16)
    var decoded: InputKind = .gzip
    _ = inflater.feed(head) { bytes in
      if decoded == .gzip { decoded = InputKind.sniff(decoded: UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, 4096)])) }
    }
    return [.pcap, .pcapng, .transcript, .curlTrace, .har].contains(decoded) ? decoded : .gzip
  }
}

/// The decoded-bytes stage: sniffs the decoded head, checks UTF-8, counts secrets, splits lines.
private struct TextStage {
  let name: String
  var splitter: LineSplitter
  var decodedBytes: Int64 = 0
  var refused = false
  var skippedDropscopeFile = false
  var warnings: [AnalysisWarning] = []
  private var sniffed = false
  private var utf8 = UTF8Checker()

  init(name: String, maxLineLength: Int) {
    self.name = name
    splitter = LineSplitter(maxLineLength: maxLineLength)
  }

  mutating func feed(_ chunk: UnsafeRawBufferPointer, _ onLine: (UnsafeRawBufferPointer, Int) -> Void) {
    guard !refused, !chunk.isEmpty else { return }
    if !sniffed {
      sniffed = true
      let head = UnsafeRawBufferPointer(rebasing: chunk[0..<min(chunk.count, 4096)])
      let kind = InputKind.sniff(decoded: head)
      if kind != .text, kind != .json, kind != .transcript, kind != .curlTrace, kind != .har {
        warnings.append(refusal(kind, decoded: true))
        refused = true
        return
      }
      if isDropscopeFile(head) {
        skippedDropscopeFile = true
        refused = true
        return
      }
    }
    utf8.check(chunk, at: decodedBytes)
    decodedBytes += Int64(chunk.count)
    splitter.feed(chunk, onLine)
  }

  mutating func finish(_ onLine: (UnsafeRawBufferPointer, Int) -> Void) {
    guard !refused else { return }
    splitter.finish(onLine)
    for line in splitter.overlongLines.prefix(5) {
      warnings.append(AnalysisWarning(input: name, line: line,
        message: "line \(line) is longer than \(splitter.maxLineLength / 1024) KiB: only its first \(splitter.maxLineLength / 1024) KiB were read"))
    }
    if splitter.overlongLines.count > 5 {
      warnings.append(AnalysisWarning(input: name, message: "\(splitter.overlongLines.count - 5) more overlong lines were cut"))
    }
    if utf8.invalidSequences > 0 {
      warnings.append(AnalysisWarning(input: name, offset: utf8.firstInvalidOffset,
        message: "\(utf8.invalidSequences) invalid UTF-8 sequences, the first at decoded offset \(utf8.firstInvalidOffset ?? 0); they were read as U+FFFD and the lines around them still analyzed"))
    }
  }

  func refusal(_ kind: InputKind, decoded: Bool = false) -> AnalysisWarning {
    let inside = decoded ? " (inside the gzip data)" : ""
    switch kind {
    case .pcap, .pcapng:
      return AnalysisWarning(input: name, message: "this is a network capture (\(kind.rawValue))\(inside); this version of dropscope reads logs only, so it was skipped")
    case .binary:
      return AnalysisWarning(input: name, message: "binary data\(inside), not a text log: skipped")
    case .empty:
      return AnalysisWarning(input: name, message: "empty file: nothing to analyze")
    default:
      return AnalysisWarning(input: name, message: "\(kind.rawValue) data\(inside) is not supported: skipped")
    }
  }

  /// Whether the input is one of dropscope's own files: a report (Markdown or JSON), or a sample incident's expected
  /// verdicts; any JSON whose `$schema` names `dropscope.`.
  private func isDropscopeFile(_ head: UnsafeRawBufferPointer) -> Bool {
    head.hasBytes("# dropscope report", at: 0) || (head.firstOffset(of: "\"$schema\" : \"dropscope.") ?? Int.max) < 64
      || (head.firstOffset(of: "\"$schema\": \"dropscope.") ?? Int.max) < 64
  }
}

/// Counts invalid UTF-8 sequences, cheaply: chunks of pure ASCII are skipped word by word.
private struct UTF8Checker {
  var invalidSequences = 0
  var firstInvalidOffset: Int64?
  /// Bytes still expected to continue a sequence begun in the previous chunk.
  private var pendingContinuations = 0

  mutating func check(_ chunk: UnsafeRawBufferPointer, at offset: Int64) {
    if pendingContinuations == 0, isASCII(chunk) { return }
    var i = 0
    let n = chunk.count
    while i < n {
      let byte = chunk[i]
      if pendingContinuations > 0 {
        if byte & 0xC0 == 0x80 {
          pendingContinuations -= 1
          i += 1
          continue
        }
        pendingContinuations = 0
        invalid(at: offset + Int64(i))
        continue
      }
      switch byte {
      case 0x00..<0x80: break
      case 0xC2...0xDF: pendingContinuations = 1
      case 0xE0...0xEF: pendingContinuations = 2
      case 0xF0...0xF4: pendingContinuations = 3
      default: invalid(at: offset + Int64(i))
      }
      i += 1
    }
  }

  private mutating func invalid(at offset: Int64) {
    invalidSequences += 1
    if firstInvalidOffset == nil { firstInvalidOffset = offset }
  }

  private func isASCII(_ chunk: UnsafeRawBufferPointer) -> Bool {
    var accumulator: UInt64 = 0
    let words = chunk.count / 8
    if let base = chunk.baseAddress {
      for w in 0..<words { accumulator |= base.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self) }
    }
    for i in (words * 8)..<chunk.count { accumulator |= UInt64(chunk[i]) }
    return accumulator & 0x8080_8080_8080_8080 == 0
  }
}
