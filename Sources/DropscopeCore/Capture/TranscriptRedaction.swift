/// Redacts a transcript's data as each direction of a connection carries it, not record by record: a data record is
/// written once the line its last bytes belong to has ended (no secret spans a line break), with the records of that
/// line redacted as one text, so a secret that a segment boundary splits is still found. Records keep their order and
/// their times; a line longer than `longestLine`, or more than `mostHeld` records waiting, is redacted as it stands.
struct TranscriptRedaction {
  private struct Direction: Hashable {
    var connection: Int
    var source: String
  }

  private struct Pending {
    var record: Transcript.Record
    var bytes: [UInt8]
    /// Ranges of `bytes` to replace, and what replaces them.
    var replacements: [(range: Range<Int>, with: [UInt8])] = []
    var ready: Bool
  }

  static let longestLine = 64 << 10
  static let mostHeld = 4096
  private var queue: [Pending] = []
  /// The number of records written: the absolute index of `queue[0]`.
  private var written = 0
  /// Per direction, the absolute indices of its data records whose last line has not ended.
  private var open: [Direction: [Int]] = [:]
  private var openBytes: [Direction: Int] = [:]

  /// Takes the next record of the transcript; calls `write` with each record that is now redacted, in order.
  mutating func add(_ record: Transcript.Record, _ write: (Transcript.Record) -> Void) {
    if case .data(let bytes) = record.kind {
      let direction = Direction(connection: record.connection, source: record.source)
      open[direction, default: []].append(written + queue.count)
      openBytes[direction, default: 0] += bytes.count
      queue.append(Pending(record: record, bytes: bytes, ready: false))
      if let lastBreak = bytes.lastIndex(where: { $0 == 0x0a || $0 == 0x0d }) {
        resolve(direction, keepingLast: lastBreak != bytes.count - 1)
      } else if openBytes[direction, default: 0] > Self.longestLine {
        resolve(direction, keepingLast: false)
      }
    } else {
      // Anything else (a close, lost bytes, the end) ends the lines both directions of the connection were carrying.
      for direction in open.keys where direction.connection == record.connection { resolve(direction, keepingLast: false) }
      queue.append(Pending(record: record, bytes: [], ready: true))
    }
    if queue.count > Self.mostHeld, let stuck = open.first(where: { $0.value.first == written })?.key {
      resolve(stuck, keepingLast: false)
    }
    flush(write)
  }

  /// Writes what is still held, redacted as it stands.
  mutating func finish(_ write: (Transcript.Record) -> Void) {
    for direction in Array(open.keys) { resolve(direction, keepingLast: false) }
    flush(write)
  }

  /// Redacts the open records of a direction as one text and marks them ready; with `keepingLast`, the last stays
  /// open (its bytes after its last line break begin the next line), with the secrets found so far noted in it.
  private mutating func resolve(_ direction: Direction, keepingLast: Bool) {
    guard let indices = open[direction], !indices.isEmpty else { return }
    var text: [UInt8] = []
    var starts: [Int] = []
    for index in indices {
      starts.append(text.count)
      text += queue[index - written].bytes
    }
    let spans = text.withUnsafeBytes { Redactor.findSecrets(in: $0) }
    for span in spans {
      for (k, index) in indices.enumerated() {
        let lower = starts[k], upper = lower + queue[index - written].bytes.count
        let from = max(lower, span.range.lowerBound), to = min(upper, span.range.upperBound)
        guard from < to else { continue }
        let overlap = from..<to
        // The marker goes where the secret starts; its rest, in later records, is dropped.
        let with = overlap.lowerBound == span.range.lowerBound ? Array((span.keptPrefix + Redactor.marker).utf8) : []
        queue[index - written].replacements.append(((overlap.lowerBound - lower)..<(overlap.upperBound - lower), with))
      }
    }
    for index in keepingLast ? indices.dropLast() : indices[...] { queue[index - written].ready = true }
    if keepingLast, let last = indices.last {
      open[direction] = [last]
      openBytes[direction] = queue[last - written].bytes.count
    } else {
      open[direction] = nil
      openBytes[direction] = nil
    }
  }

  private mutating func flush(_ write: (Transcript.Record) -> Void) {
    var taken = 0
    while taken < queue.count, queue[taken].ready {
      write(Self.redacted(queue[taken]))
      taken += 1
    }
    guard taken > 0 else { return }
    queue.removeFirst(taken)
    written += taken
  }

  /// The record with its replacements made; replacements found by two passes may overlap, and are merged.
  private static func redacted(_ pending: Pending) -> Transcript.Record {
    guard !pending.replacements.isEmpty else { return pending.record }
    var out: [UInt8] = []
    var at = 0
    for replacement in pending.replacements.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
      if replacement.range.lowerBound >= at {
        out += pending.bytes[at..<replacement.range.lowerBound]
        out += replacement.with
        at = replacement.range.upperBound
      } else {
        at = max(at, replacement.range.upperBound)
      }
    }
    out += pending.bytes[at...]
    var record = pending.record
    record.kind = .data(out)
    return record
  }
}
