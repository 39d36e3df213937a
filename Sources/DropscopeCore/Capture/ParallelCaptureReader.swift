import Foundation

/// Reads a capture like `CaptureReader`, with the connections' work spread over worker threads.
///
/// The calling thread decodes packets and routes them (`ConnectionRouter`); each connection belongs to one
/// worker (by its context id), which reassembles its bytes and reads HTTP and SSE. Work goes out in epochs,
/// every item numbered in capture order; the facts that come back are merged by those numbers, so the sink
/// sees exactly the facts, in exactly the order, that `CaptureReader` would give it: the report is the same
/// whatever the number of threads.
///
/// Its sink is the assembler itself, not any `FactSink`: a generic class stored as `any PacketReader` is never
/// specialized, and the merge of every fact then went through the protocol's witness and copied each fact.
final class ParallelCaptureReader: PacketReader {
  let input: Int
  private let sink: Assembler
  private let router = ConnectionRouter()
  private let lanes: [CaptureLane]
  /// This epoch's work, one batch per lane.
  private var filling: [WorkBatch]
  private var itemsInEpoch = 0
  private var epochsInFlight = 0
  private var nextSequence = 0
  private(set) var tcpSegments = 0
  /// Secrets in the plain-text requests and response heads (complete once `finish` has run).
  private(set) var secrets = 0
  private(set) var decryption = TLSDecryptionTally()
  var keyring: TLSKeyring? {
    get { router.keyring }
    set { router.keyring = newValue }
  }
  /// Payloads are referenced where they lie instead of copied into the batches.
  var packetsStayValid = false
  /// The first packet's bytes of each epoch under way (oldest first), and of the one being filled.
  private var epochStarts: [UnsafeRawPointer?] = []
  private var fillingStart: UnsafeRawPointer?
  var oldestPacketInUse: UnsafeRawPointer? { epochStarts.lazy.compactMap { $0 }.first ?? fillingStart }
  /// Facts reached the sink since `read` last said so.
  private var delivered = false
  /// Connections finished, with the number of their `finish` work, oldest first; and those whose `finish` has
  /// reached the sink.
  private var finishing: [(sequence: Int, context: Int)] = []
  private var finishingStart = 0
  private var finishedContexts: [Int] = []
  /// The number after the last work item of each epoch under way, oldest first.
  private var epochEnds: [Int] = []

  private let itemsPerEpoch: Int
  /// Epochs handed out and not yet merged back: three keep two lanes busy while the reader fills the next, and hold
  /// half the facts in flight that six did (15 MiB of them on two threads, with 8,192 items an epoch).
  private static var maxEpochsInFlight: Int { 3 }
  /// The packet bytes an epoch spans at most (read in place or copied), so the reader cannot run ahead of the
  /// workers by more than `maxEpochsInFlight` times this, whatever the packets' sizes.
  private static var maxEpochBytes: Int { 2 << 20 }
  private var bytesInEpoch = 0

  init(input: Int, sink: Assembler, threads: Int, itemsPerEpoch: Int = 8192) {
    self.input = input
    self.sink = sink
    self.itemsPerEpoch = max(1, itemsPerEpoch)
    lanes = (0..<max(1, threads)).map { _ in CaptureLane(input: input) }
    filling = lanes.map { $0.freshBatch() }
    for lane in lanes { lane.start() }
  }

  /// Each connection's name, by context id: `client → server`.
  var contextNames: [Int: String] { router.contextNames }

  func streamsDiagnosed() {
    router.forgetNames(finishedContexts)
    finishedContexts.removeAll(keepingCapacity: true)
  }

  /// Reads one packet; returns true when facts have reached the sink since it last did.
  @discardableResult
  func read(_ packet: CapturedPacket) -> Bool {
    if fillingStart == nil { fillingStart = packet.data.baseAddress }
    if let segment = TCPSegment.decode(packet) {
      tcpSegments += 1
      let location = SourceLocation(input: input, line: packet.number, isPacket: true)
      router.route(segment, time: packet.time, location: location) { add($0) }
      bytesInEpoch += packet.data.count
      if itemsInEpoch >= itemsPerEpoch || bytesInEpoch >= Self.maxEpochBytes { ship() }
    }
    defer { delivered = false }
    return delivered
  }

  /// Ends the capture: connections still open end with it, and every fact reaches the sink.
  func finish() {
    for connection in router.takeOpen() { add(.finish(connection, captureEnded: true)) }
    ship()
    while epochsInFlight > 0 { collect() }
    for lane in lanes { lane.inbox.finish() }
    secrets = lanes.reduce(0) { $0 + $1.worker.secrets }
    for lane in lanes { decryption.merge(lane.worker.decryption) }
    sink.inputEnded(input)
  }

  /// Puts one item of work in its connection's lane, copying a segment's payload into the batch.
  private func add(_ work: ConnectionWork) {
    let lane: Int
    var work = work
    switch work {
    case .open(let connection, _), .finish(let connection, _):
      lane = connection.context % lanes.count
    case .segment(let connection, var segment, let time, let location):
      lane = segment.context % lanes.count
      if !segment.payload.isEmpty, !packetsStayValid {
        if !filling[lane].hasRoom(for: segment.payload.count) {
          ship()
          _ = filling[lane].hasRoom(for: segment.payload.count)  // an empty batch grows to fit
        }
        segment.payload = filling[lane].keep(segment.payload)
        work = .segment(connection, segment, time: time, location: location)
      }
    }
    if case .finish(let connection, _) = work { finishing.append((nextSequence, connection.context)) }
    filling[lane].items.append(NumberedWork(sequence: nextSequence, work: work))
    nextSequence += 1
    itemsInEpoch += 1
  }

  /// Sends this epoch's batches to the lanes; waits for the oldest epoch when enough are under way.
  private func ship() {
    guard itemsInEpoch > 0 else { return }
    for (index, lane) in lanes.enumerated() {
      lane.inbox.put(filling[index])
      filling[index] = lane.freshBatch()
    }
    itemsInEpoch = 0
    bytesInEpoch = 0
    epochsInFlight += 1
    epochStarts.append(fillingStart)
    epochEnds.append(nextSequence)
    fillingStart = nil
    while epochsInFlight >= Self.maxEpochsInFlight { collect() }
  }

  /// Takes the oldest epoch's facts from every lane and hands them to the sink in capture order.
  private func collect() {
    let batches = lanes.map { $0.outbox.take()! }
    epochsInFlight -= 1
    if !epochStarts.isEmpty { epochStarts.removeFirst() }
    // Everything numbered before this epoch's end has now reached the sink.
    let merged = epochEnds.removeFirst()
    if batches.count == 2 {
      // The usual case, merged without copying a fact.
      batches[0].facts.withUnsafeBufferPointer { a in
        batches[1].facts.withUnsafeBufferPointer { b in
          var i = 0, j = 0
          while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].sequence < b[j].sequence) {
              sink.accept(a[i].fact)
              i += 1
            } else {
              sink.accept(b[j].fact)
              j += 1
            }
          }
        }
      }
    } else {
      var next = [Int](repeating: 0, count: batches.count)
      while true {
        var lane = -1
        var lowest = Int.max
        for (index, batch) in batches.enumerated() where next[index] < batch.facts.count {
          let sequence = batch.facts[next[index]].sequence
          if sequence < lowest {
            lowest = sequence
            lane = index
          }
        }
        guard lane >= 0 else { break }
        batches[lane].facts.withUnsafeBufferPointer { sink.accept($0[next[lane]].fact) }
        next[lane] += 1
      }
    }
    for (index, batch) in batches.enumerated() { lanes[index].recycle(batch) }
    delivered = true
    while finishingStart < finishing.count, finishing[finishingStart].sequence < merged {
      finishedContexts.append(finishing[finishingStart].context)
      finishingStart += 1
    }
    if finishingStart > 4096, finishingStart * 2 > finishing.count {
      finishing.removeFirst(finishingStart)
      finishingStart = 0
    }
  }
}

/// A worker thread with the connections it owns.
private final class CaptureLane: @unchecked Sendable {
  let inbox = HandOff<WorkBatch>()
  let outbox = HandOff<WorkBatch>()
  private let facts = NumberedFacts()
  let worker: ConnectionWorker<NumberedFacts>
  /// Batches back from the worker, for the router's thread to fill again.
  private var free: [WorkBatch] = []

  init(input: Int) {
    worker = ConnectionWorker(input: input, sink: facts)
  }

  func start() {
    let thread = Thread { [self] in run() }
    thread.stackSize = 1 << 20
    thread.start()
  }

  private func run() {
    while let batch = inbox.take() {
      for item in batch.items {
        facts.sequence = item.sequence
        worker.perform(item.work)
      }
      batch.items.removeAll(keepingCapacity: true)
      swap(&batch.facts, &facts.taken)
      outbox.put(batch)
    }
  }

  func freshBatch() -> WorkBatch { free.popLast() ?? WorkBatch() }

  func recycle(_ batch: WorkBatch) {
    batch.reset()
    free.append(batch)
  }
}

/// Facts numbered by the work item that gave them.
private final class NumberedFacts: FactSink {
  var sequence = 0
  var taken: [NumberedFact] = []

  func accept(_ fact: borrowing Fact) { taken.append(NumberedFact(sequence: sequence, fact: copy fact)) }
  func inputEnded(_ input: Int) {}
}

/// One lane's share of an epoch: numbered work with the payload bytes it points into, then the facts it gave.
private final class WorkBatch: @unchecked Sendable {
  private var storage: UnsafeMutableRawBufferPointer
  private var used = 0
  var items: [NumberedWork] = []
  var facts: [NumberedFact] = []

  init() {
    storage = .allocate(byteCount: 1 << 21, alignment: 16)
  }

  deinit { storage.deallocate() }

  /// Whether `count` more bytes fit; an empty batch grows to take any payload.
  func hasRoom(for count: Int) -> Bool {
    if used == 0, count > storage.count {
      storage.deallocate()
      storage = .allocate(byteCount: count, alignment: 16)
    }
    return storage.count - used >= count
  }

  /// Copies a payload in (there is room) and returns where it now lies.
  func keep(_ payload: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    let destination = UnsafeMutableRawBufferPointer(rebasing: storage[used..<(used + payload.count)])
    destination.copyMemory(from: payload)
    used += payload.count
    return UnsafeRawBufferPointer(destination)
  }

  func reset() {
    used = 0
    items.removeAll(keepingCapacity: true)
    facts.removeAll(keepingCapacity: true)
  }
}

/// A fact, numbered by the work item that gave it.
private struct NumberedFact {
  var sequence: Int
  var fact: Fact
}

/// An item of work, numbered in capture order.
private struct NumberedWork {
  var sequence: Int
  var work: ConnectionWork
}
