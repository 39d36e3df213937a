/// The facts one log input gave, written compactly on the thread that read it and played back, in the same order and
/// with the same points between lines, into the assembler on another.
///
/// Most facts of a busy log are `otherLine` and `event` facts: a time, a line, a context. They take a few bytes each
/// (a tag, then differences from the fact before as variable-length integers); request ids and response heads (one
/// of each per stream) add their texts as bytes; any other fact is kept whole beside them. A file's facts then fit in a few megabytes, so inputs read ahead can wait for their turn without holding
/// memory that grows with the input.
struct FactTapeChunk: Sendable {
  var bytes: [UInt8] = []
  /// Facts kept whole, in the order their tags stand in `bytes`.
  var boxed: [Fact] = []
  /// The names of the contexts the facts of this chunk use (each chunk names its own, so the player needs to keep
  /// only the recent ones: `RecentNames`).
  var names: [(id: Int, name: String)] = []
  /// Memory the facts kept whole hold, roughly: their size, their quotes, and what the texts they carry may take.
  var boxedBytes = 0

  /// Memory the chunk holds, roughly, for the budget of chunks waiting.
  var size: Int { bytes.capacity + boxedBytes + names.count * 64 }
}

/// What one entry of a tape says.
enum FactTapeEntry {
  /// A fact, and whether the line that gave it ended with it (the point where the sequential analysis looked for
  /// finished streams).
  case fact(Fact, lineEnded: Bool)
  /// The input's lines have all been read (before the readers finished what they held); whether it was damaged.
  case linesEnded(damaged: Bool)
  /// The readers told the sink the input ended.
  case inputEnded
}

/// Tags of a tape's entries: the kind in the low bits, flags in the high ones.
private enum Tag {
  static let otherLine: UInt8 = 0
  static let event: UInt8 = 1
  static let boxed: UInt8 = 2
  static let linesEnded: UInt8 = 3
  static let linesEndedDamaged: UInt8 = 4
  static let inputEnded: UInt8 = 5
  static let requestID: UInt8 = 6
  static let responseHead: UInt8 = 7
  static let kindMask: UInt8 = 0x1f
  /// The fact has a quote (its text follows the context).
  static let quoted: UInt8 = 0x20
  /// The fact has no time.
  static let untimed: UInt8 = 0x40
  /// The line that gave the fact ended with it.
  static let lineEnd: UInt8 = 0x80
}

/// The fact sink of a log input read ahead: writes the facts onto chunks and hands each full one on.
final class FactRecorder: FactSink {
  let input: Int
  /// Chunks are handed on once they hold about this many bytes, at the end of a line.
  private let chunkBytes: Int
  private let handOn: (FactTapeChunk) -> Void
  /// The name of a context id, from the readers of the input (set once they exist).
  var contextName: (Int) -> String? = { _ in nil }
  private var chunk = FactTapeChunk()
  private var lastTime: Microseconds = 0
  private var lastLine = 0
  /// Where the tag of the last fact of the current line is, if the line gave one.
  private var lastTag: Int?
  /// Contexts named lately and the chunk they were named in, by id modulo the table's size (a clash only names one
  /// again).
  private var named = [(context: Int, chunk: Int)](repeating: (-1, -1), count: 4096)
  private var chunkNumber = 0
  private static let events = StreamEvent.allCases

  init(input: Int, chunkBytes: Int = 1 << 18, handOn: @escaping (FactTapeChunk) -> Void) {
    self.input = input
    self.chunkBytes = chunkBytes
    self.handOn = handOn
    chunk.bytes.reserveCapacity(chunkBytes + 64)
  }

  func accept(_ fact: borrowing Fact) {
    name(fact.context)
    lastTag = chunk.bytes.count
    let compact = fact.location.input == input && !fact.location.isPacket && fact.context >= 0
    switch fact.kind {
    case .otherLine where compact:
      writeCompact(Tag.otherLine, fact)
    case .event(let event) where compact:
      writeCompact(Tag.event, fact)
      chunk.bytes.append(UInt8(Self.events.firstIndex(of: event)!))
    case .requestID(let id) where compact:
      writeCompact(Tag.requestID, fact)
      write(id)
    case .responseHead(let status, let url, let transport) where compact && status >= 0:
      writeCompact(Tag.responseHead, fact)
      writeUnsigned(UInt64(status))
      write(url)
      write(transport)
    default:
      chunk.bytes.append(Tag.boxed)
      chunk.boxed.append(copy fact)
      chunk.boxedBytes += MemoryLayout<Fact>.stride + 64 + (fact.quote.map { $0.utf8.count + 32 } ?? 0)
    }
  }

  func inputEnded(_ input: Int) {
    chunk.bytes.append(Tag.inputEnded)
  }

  /// The end of a line: the facts it gave are marked as ending it, and a full chunk is handed on.
  func lineEnded() {
    if let lastTag {
      chunk.bytes[lastTag] |= Tag.lineEnd
      self.lastTag = nil
    }
    if chunk.bytes.count >= chunkBytes || chunk.boxed.count >= 4096 { handOnChunk() }
  }

  /// All lines were read; the readers have yet to finish what they hold.
  func linesEnded(damaged: Bool) {
    lineEnded()
    chunk.bytes.append(damaged ? Tag.linesEndedDamaged : Tag.linesEnded)
  }

  /// Hands on what is left: nothing more will be written.
  func close() {
    lastTag = nil
    if !chunk.bytes.isEmpty { handOnChunk() }
  }

  private func handOnChunk() {
    handOn(chunk)
    chunk = FactTapeChunk()
    chunk.bytes.reserveCapacity(chunkBytes + 64)
    chunkNumber += 1
  }

  private func name(_ context: Int) {
    guard context > 0 else { return }
    let slot = context & (named.count - 1)
    if named[slot] == (context, chunkNumber) { return }
    named[slot] = (context, chunkNumber)
    if let name = contextName(context) { chunk.names.append((context, name)) }
  }

  private func writeCompact(_ kind: UInt8, _ fact: borrowing Fact) {
    let quoted = fact.quote == nil ? 0 : Tag.quoted
    if let time = fact.time {
      chunk.bytes.append(kind | quoted)
      writeSigned(time &- lastTime)
      lastTime = time
    } else {
      chunk.bytes.append(kind | quoted | Tag.untimed)
    }
    writeSigned(Int64(fact.location.line &- lastLine))
    lastLine = fact.location.line
    writeUnsigned(UInt64(fact.context))
    if fact.quote != nil { write(fact.quote) }
  }

  /// A text that may be missing: its length plus one (0: missing), then its bytes.
  private func write(_ text: String?) {
    guard let text else { return chunk.bytes.append(0) }
    writeUnsigned(UInt64(text.utf8.count) + 1)
    chunk.bytes.append(contentsOf: text.utf8)
  }

  private func writeSigned(_ value: Int64) {
    writeUnsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
  }

  private func writeUnsigned(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      chunk.bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
      v >>= 7
    }
    chunk.bytes.append(UInt8(v))
  }
}

/// Reads a tape's chunks back, entry by entry.
struct FactTapePlayer {
  let input: Int
  private var lastTime: Microseconds = 0
  private var lastLine = 0
  private static let events = StreamEvent.allCases

  init(input: Int) {
    self.input = input
  }

  /// Calls `entry` with each entry of `chunk`, in order.
  mutating func play(_ chunk: FactTapeChunk, _ entry: (FactTapeEntry) -> Void) {
    var boxed = 0
    chunk.bytes.withUnsafeBufferPointer { bytes in
      var at = 0
      func readUnsigned() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
          let byte = bytes[at]
          at += 1
          value |= UInt64(byte & 0x7f) << shift
          if byte < 0x80 { return value }
          shift += 7
        }
      }
      func readSigned() -> Int64 {
        let raw = readUnsigned()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
      }
      func readText() -> String? {
        let length = Int(readUnsigned())
        guard length > 0 else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<(at + length - 1)]), as: UTF8.self)
        at += length - 1
        return text
      }
      while at < bytes.count {
        let tag = bytes[at]
        at += 1
        let lineEnded = tag & Tag.lineEnd != 0
        switch tag & Tag.kindMask {
        case Tag.otherLine, Tag.event, Tag.requestID, Tag.responseHead:
          var time: Microseconds?
          if tag & Tag.untimed == 0 {
            lastTime = lastTime &+ readSigned()
            time = lastTime
          }
          lastLine = lastLine &+ Int(readSigned())
          let context = Int(readUnsigned())
          let quote = tag & Tag.quoted != 0 ? readText() : nil
          let kind: Fact.Kind
          switch tag & Tag.kindMask {
          case Tag.event:
            kind = .event(Self.events[Int(bytes[at])])
            at += 1
          case Tag.requestID:
            kind = .requestID(readText() ?? "")
          case Tag.responseHead:
            let status = Int(readUnsigned())
            let url = readText()
            kind = .responseHead(status: status, url: url, transport: readText() ?? "")
          default:
            kind = .otherLine
          }
          entry(.fact(Fact(time: time, location: SourceLocation(input: input, line: lastLine), context: context, kind: kind,
                           quote: quote), lineEnded: lineEnded))
        case Tag.boxed:
          entry(.fact(chunk.boxed[boxed], lineEnded: lineEnded))
          boxed += 1
        case Tag.linesEnded, Tag.linesEndedDamaged:
          entry(.linesEnded(damaged: tag & Tag.kindMask == Tag.linesEndedDamaged))
        default:
          entry(.inputEnded)
        }
      }
    }
  }
}
