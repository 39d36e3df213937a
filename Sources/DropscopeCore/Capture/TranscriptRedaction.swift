/// Redacts a transcript's data as each direction of a connection carries it, not record by record: a data record is
/// written once the line its last bytes belong to has ended (no secret spans a line break), with the records of that
/// line redacted as one text, so a secret that a segment boundary splits is still found. Records keep their order and
/// their times; a line longer than `longestLine`, or more than `mostHeld` records waiting, is redacted as it stands.
struct TranscriptRedaction {
  private struct Pending {
    var record: Transcript.Record
    var bytes: [UInt8]
    /// Ranges of `bytes` to replace, and what replaces them.
    var replacements: [(range: Range<Int>, with: [UInt8])] = []
    var ready: Bool
  }

  /// The data records of one direction whose last line has not ended.
  private struct OpenLine {
    var source: String
    /// Absolute indices of the records.
    var records: [Int]
    var bytes: Int
  }

  static let longestLine = 64 << 10
  static let mostHeld = 4096
  private var queue: [Pending] = []
  /// The first record of `queue` not yet written.
  private var head = 0
  /// The number of records removed from the front of `queue`: `queue[i]` is record `dropped + i`.
  private var dropped = 0
  /// Per connection, its directions' open lines (at most two).
  private var open: [Int: [OpenLine]] = [:]

  /// Takes the next record of the transcript; calls `write` with each record that is now redacted, in order.
  mutating func add(_ record: Transcript.Record, _ write: (Transcript.Record) -> Void) {
    if case .data(let bytes) = record.kind {
      let index = dropped + queue.count
      queue.append(Pending(record: record, bytes: bytes, ready: false))
      var lines = open[record.connection] ?? []
      if let k = lines.firstIndex(where: { $0.source == record.source }) {
        lines[k].records.append(index)
        lines[k].bytes += bytes.count
      } else {
        lines.append(OpenLine(source: record.source, records: [index], bytes: bytes.count))
      }
      open[record.connection] = lines
      if let lastBreak = bytes.lastIndex(where: { $0 == 0x0a || $0 == 0x0d }) {
        resolve(record.connection, record.source, keepingLast: lastBreak != bytes.count - 1)
      } else if let line = lines.first(where: { $0.source == record.source }), line.bytes > Self.longestLine {
        resolve(record.connection, record.source, keepingLast: false)
      }
    } else {
      // Anything else (a close, lost bytes, the end) ends the lines both directions of the connection were carrying.
      for line in open[record.connection] ?? [] { resolve(record.connection, line.source, keepingLast: false) }
      queue.append(Pending(record: record, bytes: [], ready: true))
    }
    if queue.count - head > Self.mostHeld {
      let stuck = queue[head].record
      resolve(stuck.connection, stuck.source, keepingLast: false)
    }
    flush(write)
  }

  /// Writes what is still held, redacted as it stands.
  mutating func finish(_ write: (Transcript.Record) -> Void) {
    for (connection, lines) in open {
      for line in lines { resolve(connection, line.source, keepingLast: false) }
    }
    flush(write)
  }

  /// Redacts the open records of a direction as one text and marks them ready; with `keepingLast`, the last stays
  /// open (its bytes after its last line break begin the next line), with the secrets found so far noted in it.
  private mutating func resolve(_ connection: Int, _ source: String, keepingLast: Bool) {
    guard var lines = open[connection], let k = lines.firstIndex(where: { $0.source == source }) else { return }
    let indices = lines[k].records
    var text: [UInt8] = []
    var starts: [Int] = []
    for index in indices {
      starts.append(text.count)
      text += queue[index - dropped].bytes
    }
    let spans = text.withUnsafeBytes { Redactor.findSecrets(in: $0) }
    for span in spans {
      for (j, index) in indices.enumerated() {
        let lower = starts[j], upper = lower + queue[index - dropped].bytes.count
        let from = max(lower, span.range.lowerBound), to = min(upper, span.range.upperBound)
        guard from < to else { continue }
        // The marker goes where the secret starts; its rest, in later records, is dropped.
        let with = from == span.range.lowerBound ? Array((span.keptPrefix + Redactor.marker).utf8) : []
        queue[index - dropped].replacements.append(((from - lower)..<(to - lower), with))
      }
    }
    for index in keepingLast ? indices.dropLast() : indices[...] { queue[index - dropped].ready = true }
    if keepingLast, let last = indices.last {
      lines[k].records = [last]
      lines[k].bytes = queue[last - dropped].bytes.count
    } else {
      lines.remove(at: k)
    }
    open[connection] = lines.isEmpty ? nil : lines
  }

  private mutating func flush(_ write: (Transcript.Record) -> Void) {
    while head < queue.count, queue[head].ready {
      write(Self.redacted(queue[head]))
      queue[head].bytes = []  // written: its bytes are no longer needed
      queue[head].record.kind = .end
      head += 1
    }
    if head > 1024, head * 2 > queue.count {
      queue.removeFirst(head)
      dropped += head
      head = 0
    }
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
