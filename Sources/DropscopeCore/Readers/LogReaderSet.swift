/// The log readers of one input: one per envelope context, so a traceback is rebuilt from the lines of its own
/// context (container, process, log stream, stdout or stderr) whatever the others wrote between them.
///
/// Without an envelope every line goes to one reader, as before. Readers of the same source share its context
/// ids (`ContextTable`), so the calls of one application are followed across its stdout and stderr.
final class LogReaderSet<Sink: FactSink> {
  let input: Int
  private let sink: Sink
  private let contexts = ContextTable()
  /// Readers by envelope context id (0: lines no envelope context holds).
  private var readers: [LogReader<Sink>?]
  private var sources: [Int32: String] = [:]
  /// Per reader, the index of its source; per source, the context of its latest record and the reader that read it.
  private var sourceOfReader: [Int] = [0]
  private var sourceIndex: [String: Int] = ["": 0]
  private var latestRecord: [(context: Int, reader: Int)?] = [nil]
  /// The largest input line number read; records read (lines, or envelope records, which may hold several lines
  /// under one number; blank, indented and closing lines only when they were read) and those with a line that was a
  /// log record or part of something dropscope reads (a traceback, an error).
  private(set) var lineCount = 0
  private(set) var recordsRead = 0
  private(set) var recordsRecognised = 0
  private var currentNumber = 0
  private var currentCounted = false
  private var currentRecognised = false
  /// The first line that was neither, for the report.
  private(set) var firstUnrecognised: (number: Int, text: String)?
  /// Contexts beyond this many share the first reader.
  private static var maxReaders: Int { 4096 }

  /// The reader of lines no envelope context holds (every line of a plain log).
  private let first: LogReader<Sink>

  init(input: Int, sink: Sink) {
    self.input = input
    self.sink = sink
    first = LogReader(input: input, sink: sink, contexts: contexts)
    readers = [first]
  }

  /// Takes note of an envelope context before its first line.
  func define(_ id: Int32, _ context: EnvelopeContext) {
    sources[id] = context.source
  }

  /// Reads one classified line with the time and context its envelope gave it.
  func read(line: UnsafeRawBufferPointer, number: Int, classified: ClassifiedLine, origin: LineOrigin) {
    // A plain log (no envelope): one reader, no sources to follow between readers.
    let single = readers.count == 1 && origin.context == 0
    let reader = single ? first : self.reader(for: origin.context)
    lineCount = max(lineCount, number)
    if number != currentNumber {
      currentNumber = number
      currentCounted = false
      currentRecognised = false
    }
    let before = reader.recordCount + reader.understoodCount
    let recordsBefore = reader.recordCount
    reader.envelopeTime = origin.time
    reader.envelopePrecision = origin.precision
    if single {
      reader.read(line: line, number: number, classified: classified)
    } else {
      let readerIndex = readers.count > 1 ? readerIndex(for: origin.context) : 0
      let source = sourceOfReader[readerIndex]
      if let latest = latestRecord[source], latest.reader != readerIndex {
        reader.siblingRecordContext = latest.context
      } else {
        reader.siblingRecordContext = nil
      }
      reader.read(line: line, number: number, classified: classified)
      if reader.recordCount != recordsBefore, let context = reader.lastRecordContext {
        latestRecord[source] = (context, readerIndex)
      }
    }
    let recognised = reader.recordCount + reader.understoodCount != before
    // An indented or closing line continues something above it (a property dump, pretty-printed JSON): it tells
    // nothing about whether the file's format is understood, unless it was read.
    let continuation = line.first.map { $0 == 0x20 || $0 == 0x09 || $0 == 0x7d || $0 == 0x5d } ?? true
    if !currentCounted, recognised || !continuation {
      currentCounted = true
      recordsRead += 1
    }
    if recognised {
      if !currentRecognised { recordsRecognised += 1 }
      currentRecognised = true
    } else if firstUnrecognised == nil, !continuation {
      firstUnrecognised = (number, line.string(0..<min(line.count, 100)))
    }
  }

  /// The index of the reader of an envelope context (0 for none, and for contexts beyond the limit).
  private func readerIndex(for context: Int32) -> Int {
    let index = Int(context)
    return index > 0 && index < Self.maxReaders ? index : 0
  }

  private func reader(for context: Int32) -> LogReader<Sink> {
    let index = readerIndex(for: context)
    if index < readers.count, let reader = readers[index] { return reader }
    if index >= readers.count {
      readers += Array(repeating: nil, count: index + 1 - readers.count)
      sourceOfReader += Array(repeating: 0, count: index + 1 - sourceOfReader.count)
    }
    let scope = sources[context] ?? ""
    let reader = LogReader(input: input, sink: sink, contexts: contexts, scope: scope)
    readers[index] = reader
    if sourceIndex[scope] == nil {
      sourceIndex[scope] = latestRecord.count
      latestRecord.append(nil)
    }
    sourceOfReader[index] = sourceIndex[scope]!
    return reader
  }

  /// Copies what the readers keep of the current block's lines: the block is about to be reused.
  func blockWillBeReused() {
    for reader in readers { reader?.blockWillBeReused() }
  }

  /// Ends the input: every reader finishes what it holds, then the sink hears the input ended.
  func finish() {
    for reader in readers { reader?.finish(endingInput: false) }
    sink.inputEnded(input)
  }

  var recordCount: Int { readers.reduce(0) { $0 + ($1?.recordCount ?? 0) } }
  var understoodCount: Int { readers.reduce(0) { $0 + ($1?.understoodCount ?? 0) } }
  var firstTime: Microseconds? { readers.compactMap { $0?.firstTime }.min() }
  var lastTime: Microseconds? { readers.compactMap { $0?.lastTime }.max() }
  /// The coarsest precision of the times read by any context, in microseconds; 0 when none had a time.
  var timePrecision: Int32 { readers.reduce(0) { max($0, $1?.timePrecision ?? 0) } }
  var sawUnzonedTime: Bool { readers.contains { $0?.sawUnzonedTime == true } }
  /// The name of one context (thread, worker, envelope source) by id; nil for one that names none.
  func contextName(_ id: Int) -> String? { contexts.name(id) }
}
