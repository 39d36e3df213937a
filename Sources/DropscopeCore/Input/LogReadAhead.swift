import Foundation

/// What reading one log input gave, apart from its facts.
struct LogReading {
  var result: InputDecoder.Result
  var lineCount: Int
  var recordCount: Int
  var understoodCount: Int
  var recordsRead: Int
  var recordsRecognised: Int
  var firstUnrecognised: (number: Int, text: String)?
  var firstTime: Microseconds?
  var lastTime: Microseconds?
  var sawUnzonedTime: Bool
  /// The coarsest precision of the log's timestamps, in microseconds; 0 when none had a time.
  var timePrecision: Int32

  init<Sink>(result: InputDecoder.Result, readers: LogReaderSet<Sink>) {
    self.result = result
    lineCount = readers.lineCount
    recordCount = readers.recordCount
    understoodCount = readers.understoodCount
    recordsRead = readers.recordsRead
    recordsRecognised = readers.recordsRecognised
    firstUnrecognised = readers.firstUnrecognised
    firstTime = readers.firstTime
    lastTime = readers.lastTime
    sawUnzonedTime = readers.sawUnzonedTime
    timePrecision = readers.timePrecision
  }
}

/// Reads the log inputs of an analysis ahead of it, several at once, one per thread; the analysis takes them back in
/// input order.
///
/// A log's readers keep state only within the input, so each input is read (inflated, split, classified, read into
/// facts) on a thread of its own, and its facts are written on a tape (`FactRecorder`). The analysis plays the tapes
/// into its single assembler one after the other, in input order, so the report is the one reading the inputs one by
/// one gives. Inputs of other kinds (captures, transcripts, curl traces, HAR) are only opened and sniffed here: the
/// analysis reads them itself, in their turn.
///
/// Memory stays bounded: at most `threads` inputs are read at once, none more than twice that many past the one being
/// played, and the chunks written but not yet played wait within a budget. Past it, a thread reading ahead waits; the
/// thread reading the input being played waits only while a quarter of the budget of its own chunks wait.
final class LogReadAhead: @unchecked Sendable {
  /// The facts of one log as they are read, and what reading it gave once they are all there.
  final class Tape: @unchecked Sendable {
    fileprivate let chunks = HandOff<FactTapeChunk>()
    /// Bytes of its chunks handed on and not yet taken (under the read-ahead's lock).
    fileprivate var waiting = 0
    /// Written before `chunks.finish()`, read after the last chunk was taken.
    fileprivate(set) var reading: LogReading?
  }

  /// One input, opened and sniffed, and for a log its tape.
  struct Item {
    var input: AnalysisInput
    var kind: InputKind
    var tape: Tape?
  }

  /// The most inputs read at once, whatever the threads asked for: each holds its line blocks and readers.
  static let mostThreads = 4
  private let inputs: [AnalysisInput]
  private let maxLineLength: Int
  /// The zone (minutes east of UTC) of timestamps written without one (`--tz`).
  private let unzonedOffsetMinutes: Int
  private let chunkBytes: Int
  private let budget: Int
  /// How far past the input being played an input may be taken up (each one taken holds its file open).
  private let window: Int
  private let condition = NSCondition()
  private var items: [Item?]
  private var nextToClaim = 0
  /// The input the analysis is playing (or waiting for).
  private var current = 0
  /// Bytes of chunks handed on and not yet taken.
  private var waiting = 0

  /// Starts reading.
  /// - Parameters:
  ///   - threads: inputs read at once (at most `mostThreads`).
  ///   - chunkBytes: bytes of facts per chunk of a tape.
  ///   - budget: bytes of tape that may wait to be played before the threads reading ahead wait too.
  init(
    inputs: [AnalysisInput], threads: Int, maxLineLength: Int, unzonedOffsetMinutes: Int = 0, chunkBytes: Int = 1 << 18,
    budget: Int = 4 << 20
  ) {
    self.inputs = inputs
    self.maxLineLength = maxLineLength
    self.unzonedOffsetMinutes = unzonedOffsetMinutes
    self.chunkBytes = chunkBytes
    self.budget = budget
    items = Array(repeating: nil, count: inputs.count)
    let threads = max(1, min(threads, Self.mostThreads, inputs.count))
    window = 2 * threads
    for _ in 0..<threads {
      let thread = Thread { [self] in work() }
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  /// Whether an input of this kind is read as a capture (by the analysis), not as a log.
  static func isReadAsCapture(_ kind: InputKind) -> Bool {
    [.pcap, .pcapng, .transcript, .curlTrace, .har].contains(kind)
  }

  /// Input `index`, opened and sniffed; waits until a thread has taken it up. Inputs are taken in order, each once.
  func take(_ index: Int) -> Item {
    condition.lock()
    defer { condition.unlock() }
    current = index
    condition.broadcast()
    while items[index] == nil { condition.wait() }
    let item = items[index]!
    items[index] = nil  // the input's file is closed once the analysis is done with it
    return item
  }

  /// The next chunk of a tape; nil after its last one, once `tape.reading` is there.
  func next(_ tape: Tape) -> FactTapeChunk? {
    guard let chunk = tape.chunks.take() else { return nil }
    condition.lock()
    waiting -= chunk.size
    tape.waiting -= chunk.size
    condition.broadcast()
    condition.unlock()
    return chunk
  }

  /// A reading thread: takes the next input not taken, until none is left.
  private func work() {
    while true {
      condition.lock()
      while nextToClaim >= current + window, nextToClaim < inputs.count { condition.wait() }
      let index = nextToClaim
      nextToClaim += 1
      condition.unlock()
      guard index < inputs.count else { return }
      let input = inputs[index].opened()  // once: what is sniffed is handed on to the reader
      let kind = InputDecoder.sniffDecodedKind(input)
      guard !Self.isReadAsCapture(kind) else {
        publish(Item(input: input, kind: kind, tape: nil), at: index)
        continue
      }
      let tape = Tape()
      publish(Item(input: input, kind: kind, tape: tape), at: index)
      tape.reading = read(input, index: index, onto: tape)
      tape.chunks.finish()
    }
  }

  private func publish(_ item: Item, at index: Int) {
    condition.lock()
    items[index] = item
    condition.broadcast()
    condition.unlock()
  }

  /// Reads one log onto its tape, as the analysis reads a log itself (`LinePipeline`, `LogReaderSet`), with two blocks
  /// of lines (one filled while the other is read) rather than four: several inputs are read at once.
  private func read(_ input: AnalysisInput, index: Int, onto tape: Tape) -> LogReading {
    let recorder = FactRecorder(input: index, chunkBytes: chunkBytes) { [self] chunk in hand(chunk, of: index, to: tape) }
    let readers = LogReaderSet(input: index, sink: recorder)
    recorder.contextName = { [unowned readers] in readers.contextName($0) }
    let result = LinePipeline.run(input, maxLineLength: maxLineLength, unzonedOffsetMinutes: unzonedOffsetMinutes, {
      line, number, classified, origin in
      readers.read(line: line, number: number, classified: classified, origin: origin)
      recorder.lineEnded()
    }, onContext: readers.define, onBlockEnd: readers.blockWillBeReused, blocks: 2)
    recorder.linesEnded(damaged: result.damaged)
    readers.finish()
    recorder.close()
    return LogReading(result: result, readers: readers)
  }

  /// Hands a chunk on. An input read ahead waits while the chunks waiting are over the budget; the input being played
  /// waits only while its own chunks waiting are over a quarter of it (they are being played).
  private func hand(_ chunk: FactTapeChunk, of index: Int, to tape: Tape) {
    condition.lock()
    while index == current ? tape.waiting > budget / 4 : waiting > budget { condition.wait() }
    waiting += chunk.size
    tape.waiting += chunk.size
    condition.unlock()
    tape.chunks.put(chunk)
  }
}
