import Foundation

/// Lines decoded and classified on one thread, read on another.
///
/// The decoding thread reads the file, inflates it, splits lines and classifies them
/// (`LineClassifier` keeps no state); the calling thread runs the stateful reader and the
/// assembler. Blocks of lines pass through a bounded queue and are recycled, so memory
/// stays at a few blocks whatever the input size.
enum LinePipeline {
  /// Decodes `input` on a second thread and calls `onLine` on this one, in line order.
  /// - Parameters:
  ///   - onLine: a line (unwrapped from its envelope, if the input has one), its input line number, its class, and
  ///     where it stands in the envelope.
  ///   - onContext: an envelope context, before the first line that stands in it.
  ///   - onBlockEnd: called before a block's memory is handed back for reuse: whoever kept pointers into its lines
  ///     must copy what it needs.
  ///   - unzonedOffsetMinutes: the zone (minutes east of UTC) of timestamps written without one (`--tz`); 0 reads
  ///     them as UTC.
  ///   - blocks: blocks of lines in use at once (each about 2 MiB).
  static func run(
    _ input: AnalysisInput, maxLineLength: Int, unzonedOffsetMinutes: Int = 0,
    _ onLine: (UnsafeRawBufferPointer, Int, ClassifiedLine, LineOrigin) -> Void,
    onContext: (Int32, EnvelopeContext) -> Void = { _, _ in }, onBlockEnd: () -> Void, blocks: Int = 4
  ) -> InputDecoder.Result {
    let queue = BlockQueue(limit: blocks)
    let producer = Producer(input: input, maxLineLength: maxLineLength, queue: queue,
                            unzonedShift: Microseconds(unzonedOffsetMinutes) * 60_000_000)
    let thread = Thread { producer.run() }
    thread.stackSize = 1 << 20
    thread.start()
    while let block = queue.take() {
      for (id, context) in block.contexts { onContext(id, context) }
      for line in block.lines {
        onLine(UnsafeRawBufferPointer(rebasing: block.storage[line.start..<(line.start + line.count)]), line.number,
               line.classified, line.origin)
      }
      onBlockEnd()
      queue.recycle(block)
    }
    return producer.result
  }

  /// Runs the decoder and fills blocks with classified lines.
  ///
  /// What the per-line work touches is kept in stored properties rather than captured variables: the hot path then
  /// retains nothing per line.
  private final class Producer: @unchecked Sendable {
    let input: AnalysisInput
    let maxLineLength: Int
    let queue: BlockQueue
    /// Subtracted from a time written without a zone, to read it in the zone `--tz` gives (0: as UTC).
    let unzonedShift: Microseconds
    /// Written before `queue.finish()`, read after the queue is drained.
    var result = InputDecoder.Result()
    /// The envelope contexts the unwrapper finds, defined in blocks as lines come to stand in them.
    private let contexts = EnvelopeContextList()
    /// Envelope contexts defined in a block so far.
    private var announced: Int32 = 0
    private var block: LineBlock
    private var secrets = 0
    private var cache = TimestampParser.SecondCache()
    /// Absurd values in structured records (a time of 1e300), warned about by file and line; the first few.
    private var absurd: [AnalysisWarning] = []

    init(input: AnalysisInput, maxLineLength: Int, queue: BlockQueue, unzonedShift: Microseconds) {
      self.input = input
      self.maxLineLength = maxLineLength
      self.queue = queue
      self.unzonedShift = unzonedShift
      block = queue.takeFree()
    }

    func run() {
      var decoder = InputDecoder(input: input, maxLineLength: maxLineLength)
      var unwrapper = EnvelopeUnwrapper(contexts: contexts)
      let deliver = self.deliver
      result = decoder.run { line, number in unwrapper.feed(line, number: number, deliver) }
      unwrapper.finish(deliver)
      hand(block)
      result.warnings += absurd
      result.secrets = secrets
      result.envelope = unwrapper.format
      result.envelopeStrays = unwrapper.strayLines
      result.firstEnvelopeStray = unwrapper.firstStray
      queue.finish()
    }

    /// Hands a full block over. Secrets are counted on this thread, block by block: that balances the two threads' work.
    private func hand(_ full: LineBlock) {
      secrets += Redactor.countSecrets(in: full.bytes)
      queue.put(full)
    }

    /// Takes an unwrapped line: defines its context if it is new, expands a structured record, adds the lines.
    private func deliver(_ line: UnsafeRawBufferPointer, _ number: Int, _ origin: LineOrigin) {
      var origin = origin
      if unzonedShift != 0, !origin.zoned, let time = origin.time { origin.time = time - unzonedShift }
      while origin.context > announced {
        announced += 1
        block.define(announced, contexts.list[Int(announced) - 1])
      }
      // A structured (JSON) record is read as the text lines it stands for, under its own line number.
      if line.first == UInt8(ascii: "{"), let expanded = JSONRecord.expand(line, onAbsurd: { warnAbsurd($0, line: number) }) {
        for text in expanded { text.withUnsafeBytes { add($0, number, origin) } }
      } else if line.first == UInt8(ascii: "["),
        let expanded = JSONRecord.expandArray(line, onAbsurd: { warnAbsurd($0, line: number) })
      {
        for text in expanded { text.withUnsafeBytes { add($0, number, origin) } }
      } else {
        add(line, number, origin)
      }
    }

    /// Notes a value no log writes (a time of 1e300): the record is read without it.
    private func warnAbsurd(_ what: String, line: Int) {
      guard absurd.count < 5 else { return }
      absurd.append(AnalysisWarning(input: input.displayName, line: line, problem: .absurdValue(
        what: what, consequence: "the record was read without it")))
    }

    private func add(_ line: UnsafeRawBufferPointer, _ number: Int, _ origin: LineOrigin) {
      // The message is classified on the reader's thread: that balances the two threads' work.
      var classified = LineClassifier.classify(line, cache: &cache, withMessage: false)
      if unzonedShift != 0, let time = classified.prefix?.time, !classified.prefix!.zoned {
        classified.prefix!.time = time - unzonedShift
      }
      // A record without a time of its own takes its envelope's.
      if origin.time != nil, classified.prefix != nil, classified.prefix!.time == nil {
        classified.prefix!.time = origin.time
        classified.prefix!.zoned = origin.zoned
      }
      if !block.append(line, number: number, classified: classified, origin: origin) {
        hand(block)
        block = queue.takeFree()
        _ = block.append(line, number: number, classified: classified, origin: origin)
      }
    }
  }
}

/// A block of decoded lines with their classification.
final class LineBlock: @unchecked Sendable {
  let storage: UnsafeMutableRawBufferPointer
  private var used = 0
  private(set) var lines: [(start: Int, count: Int, number: Int, classified: ClassifiedLine, origin: LineOrigin)] = []
  /// Envelope contexts first seen in this block, defined before the lines that stand in them.
  private(set) var contexts: [(id: Int32, context: EnvelopeContext)] = []

  init(capacity: Int) {
    storage = .allocate(byteCount: capacity, alignment: 16)
    lines.reserveCapacity(8192)
  }

  deinit { storage.deallocate() }

  /// The lines' bytes, each followed by a newline.
  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<used]) }

  /// Copies a line in (with a newline after it); returns false when the block is full.
  /// An empty block takes any line up to its capacity.
  func append(_ line: UnsafeRawBufferPointer, number: Int, classified: ClassifiedLine, origin: LineOrigin = .none) -> Bool {
    let room = storage.count - used - 1
    if line.count > room || lines.count >= 8192 {
      guard lines.isEmpty else { return false }
    }
    let count = min(line.count, room)
    if count > 0 { (storage.baseAddress! + used).copyMemory(from: line.baseAddress!, byteCount: count) }
    storage[used + count] = 0x0a
    lines.append((used, count, number, classified, origin))
    used += count + 1
    return true
  }

  /// Defines an envelope context for the lines appended after it.
  func define(_ id: Int32, _ context: EnvelopeContext) {
    contexts.append((id, context))
  }

  func reset() {
    used = 0
    lines.removeAll(keepingCapacity: true)
    contexts.removeAll()
  }
}

/// A bounded hand-over of blocks between the decoding thread and the reader: full blocks go over a `HandOff`,
/// empty ones come back to be filled again, and no more than `limit` exist at once.
final class BlockQueue: @unchecked Sendable {
  private let ready = HandOff<LineBlock>()
  private let condition = NSCondition()
  private var free: [LineBlock] = []
  private var allocated = 0
  private let limit: Int
  static let blockCapacity = 1 << 20

  init(limit: Int) {
    self.limit = limit
  }

  /// An empty block for the producer; waits while all blocks are in use.
  func takeFree() -> LineBlock {
    condition.lock()
    defer { condition.unlock() }
    while free.isEmpty, allocated >= limit { condition.wait() }
    if let block = free.popLast() {
      block.reset()
      return block
    }
    allocated += 1
    return LineBlock(capacity: BlockQueue.blockCapacity)
  }

  func put(_ block: LineBlock) { ready.put(block) }

  func finish() { ready.finish() }

  /// The next full block for the reader; nil once the producer has finished and all are taken.
  func take() -> LineBlock? { ready.take() }

  func recycle(_ block: LineBlock) {
    condition.lock()
    free.append(block)
    condition.signal()
    condition.unlock()
  }
}
