/// The context ids of one input: a thread name, an envelope source, or both, each get a small dense id.
///
/// Lines that name neither are context 0, as in a log without an envelope; the readers of an input's envelope
/// contexts share one table so their ids never collide. The names lie one after another in a byte array, found
/// through an open-addressed table of their entries, about 50 bytes a name.
///
/// Memory stays bounded however many threads a log names: names are kept in two generations of at most
/// `namesPerGeneration` each. A name looked up is moved into the current generation with its id; when the current
/// one is full the older one is dropped. A thread silent while that many other names came and went loses its id,
/// and its next line gets a new one (ids are never given twice): by then the assembler has retired any stream it
/// left open (`Assembler.mostOpenStreams` is far below). Two million distinct thread names took 93-117 MiB when
/// every name was kept.
final class ContextTable {
  /// The names one generation keeps.
  static let namesPerGeneration = 1 << 16

  private var current = Generation()
  private var previous = Generation()
  private var nextID = 1
  private let limit: Int

  init(namesPerGeneration: Int = ContextTable.namesPerGeneration) {
    limit = max(1, namesPerGeneration)
  }

  /// The name of a context still known; nil for context 0, for ids never given and for names dropped since.
  func name(_ id: Int) -> String? {
    guard id > 0 else { return nil }
    return current.name(of: id) ?? previous.name(of: id)
  }

  /// The id of a thread in an envelope source (either may be missing); new names get the next id.
  func id(scope: String, thread: String?) -> Int {
    let name: String
    if let thread { name = scope.isEmpty ? thread : "\(scope) \(thread)" } else { name = scope }
    if name.isEmpty { return 0 }
    let hash = Generation.hash(name.utf8)
    if let id = current.id(of: name, hash: hash) { return id }
    let id: Int
    if let known = previous.id(of: name, hash: hash) {
      id = known
    } else {
      id = nextID
      nextID += 1
    }
    if current.count >= limit {
      previous = current
      current = Generation()
    }
    current.add(name, id: id, hash: hash)
    return id
  }
}

/// One generation of a `ContextTable`: names, their ids, found by name (open addressing) and by id.
private struct Generation {
  /// Every name's UTF-8 bytes, one after another: entry `e` ends at `ends[e]` and begins where the one before it
  /// ends.
  private var bytes: [UInt8] = []
  private var ends: [Int] = []
  private var ids: [Int] = []
  private var entryOfID: [Int: Int] = [:]
  /// Open addressing with linear probing, at most half used: each slot holds a name's hash in its high half (which
  /// also says where it goes) and its entry plus one in its low half, or 0 when empty. Names are compared only when
  /// their hashes are equal, and growing places the slots again without reading a name.
  private var slots = [UInt64](repeating: 0, count: 64)

  var count: Int { ids.count }

  func name(of id: Int) -> String? {
    guard let entry = entryOfID[id] else { return nil }
    return String(decoding: bytes[start(entry)..<ends[entry]], as: UTF8.self)
  }

  /// The id of `name`, whose `hash` is `Generation.hash(name.utf8)`.
  func id(of name: String, hash: UInt32) -> Int? {
    let mask = slots.count - 1
    var index = Int(hash) & mask
    while slots[index] != 0 {
      if UInt32(truncatingIfNeeded: slots[index] >> 32) == hash {
        let entry = Int(truncatingIfNeeded: slots[index] & 0xffff_ffff) - 1
        if name.utf8.elementsEqual(bytes[start(entry)..<ends[entry]]) { return ids[entry] }
      }
      index = (index + 1) & mask
    }
    return nil
  }

  /// Adds a name not in this generation.
  mutating func add(_ name: String, id: Int, hash: UInt32) {
    let entry = ids.count
    bytes.append(contentsOf: name.utf8)
    ends.append(bytes.count)
    ids.append(id)
    entryOfID[id] = entry
    if (entry + 1) * 2 > slots.count {
      // Doubled, every slot placed again by its hash.
      var larger = [UInt64](repeating: 0, count: slots.count * 2)
      for slot in slots where slot != 0 { Self.place(slot, in: &larger) }
      slots = larger
    }
    Self.place(UInt64(hash) << 32 | UInt64(entry + 1), in: &slots)
  }

  private func start(_ entry: Int) -> Int { entry == 0 ? 0 : ends[entry - 1] }

  /// Puts a slot's value in the first empty slot from where its hash points.
  private static func place(_ value: UInt64, in table: inout [UInt64]) {
    let mask = table.count - 1
    var index = Int(truncatingIfNeeded: value >> 32) & mask
    while table[index] != 0 { index = (index + 1) & mask }
    table[index] = value
  }

  /// FNV-1a of a name's bytes, mixed (SplitMix64's finalizer) so that names differing only in their last digits
  /// spread over the table, folded to 32 bits.
  static func hash<Bytes: Sequence>(_ name: Bytes) -> UInt32 where Bytes.Element == UInt8 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in name { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
    hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
    hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
    return UInt32(truncatingIfNeeded: hash ^ (hash >> 31))
  }
}
