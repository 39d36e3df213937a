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
    if let id = current.id(of: name) { return id }
    let id: Int
    if let known = previous.id(of: name) {
      id = known
    } else {
      id = nextID
      nextID += 1
    }
    if current.count >= limit {
      previous = current
      current = Generation()
    }
    current.add(name, id: id)
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
  /// Open addressing with linear probing: each slot holds an entry plus one, or 0 when empty; at most half are used.
  private var slots = [Int32](repeating: 0, count: 64)

  var count: Int { ids.count }

  func name(of id: Int) -> String? {
    guard let entry = entryOfID[id] else { return nil }
    return String(decoding: bytes[start(entry)..<ends[entry]], as: UTF8.self)
  }

  func id(of name: String) -> Int? {
    let mask = slots.count - 1
    var index = Self.slot(of: name.utf8, in: slots.count)
    while slots[index] != 0 {
      let entry = Int(slots[index]) - 1
      if name.utf8.elementsEqual(bytes[start(entry)..<ends[entry]]) { return ids[entry] }
      index = (index + 1) & mask
    }
    return nil
  }

  /// Adds a name not in this generation.
  mutating func add(_ name: String, id: Int) {
    let entry = ids.count
    bytes.append(contentsOf: name.utf8)
    ends.append(bytes.count)
    ids.append(id)
    entryOfID[id] = entry
    if (entry + 1) * 2 > slots.count {
      // Doubled, every entry placed again.
      var larger = [Int32](repeating: 0, count: slots.count * 2)
      for placed in 0...entry { larger[freeSlot(for: placed, in: larger)] = Int32(truncatingIfNeeded: placed + 1) }
      slots = larger
    } else {
      let index = freeSlot(for: entry, in: slots)
      slots[index] = Int32(truncatingIfNeeded: entry + 1)
    }
  }

  private func start(_ entry: Int) -> Int { entry == 0 ? 0 : ends[entry - 1] }

  /// The empty slot where `entry` goes in `table` (read only: the caller writes it, so no copy of the table is made).
  private func freeSlot(for entry: Int, in table: [Int32]) -> Int {
    let mask = table.count - 1
    var index = Self.slot(of: bytes[start(entry)..<ends[entry]], in: table.count)
    while table[index] != 0 { index = (index + 1) & mask }
    return index
  }

  /// The first slot to look in for a name (FNV-1a of its bytes, folded); `count` is a power of two.
  private static func slot<Bytes: Sequence>(of name: Bytes, in count: Int) -> Int where Bytes.Element == UInt8 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in name { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
    hash ^= hash >> 29
    return Int(truncatingIfNeeded: hash) & (count - 1)
  }
}
