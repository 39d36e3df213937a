/// The context ids of one input: a thread name, an envelope source, or both, each get a small dense id.
///
/// Lines that name neither are context 0, as in a log without an envelope; the readers of an input's envelope
/// contexts share one table so their ids never collide. A log may name hundreds of thousands of threads, each kept
/// for as long as the input is read: the names lie one after another in one byte array, found through an
/// open-addressed table of ids, about 25 bytes a name where two dictionaries took 60 to 80 (300,000 threads:
/// 7 MiB instead of 25).
final class ContextTable {
  /// Every name's UTF-8 bytes, one after another: the name of `id` ends at `ends[id]` and begins where the one
  /// before it ends (context 0's name is empty).
  private var bytes: [UInt8] = []
  private var ends: [Int] = [0]
  /// Open addressing with linear probing: each slot holds an id plus one, or 0 when empty; at most half are used.
  private var slots = [Int32](repeating: 0, count: 64)

  init() {
    slots[Self.slot(of: "".utf8, in: slots.count)] = 1  // "" is context 0
  }

  /// The name of each context that has one, by id.
  var names: [Int: String] {
    var names: [Int: String] = [:]
    for id in 1..<ends.count { names[id] = name(id) }
    return names
  }

  /// The name of a context; nil for context 0 and for ids never given.
  func name(_ id: Int) -> String? {
    guard id > 0, id < ends.count else { return nil }
    return String(decoding: bytes[ends[id - 1]..<ends[id]], as: UTF8.self)
  }

  /// The id of a thread in an envelope source (either may be missing); new names get the next id.
  func id(scope: String, thread: String?) -> Int {
    let name: String
    if let thread { name = scope.isEmpty ? thread : "\(scope) \(thread)" } else { name = scope }
    let mask = slots.count - 1
    var index = Self.slot(of: name.utf8, in: slots.count)
    while slots[index] != 0 {
      let id = Int(slots[index]) - 1
      if name.utf8.elementsEqual(bytes[(id == 0 ? 0 : ends[id - 1])..<ends[id]]) { return id }
      index = (index + 1) & mask
    }
    let id = ends.count
    bytes.append(contentsOf: name.utf8)
    ends.append(bytes.count)
    slots[index] = Int32(truncatingIfNeeded: id + 1)
    if ends.count * 2 > slots.count { grow() }
    return id
  }

  /// Doubles the slots and places every id again.
  private func grow() {
    var larger = [Int32](repeating: 0, count: slots.count * 2)
    let mask = larger.count - 1
    for id in 0..<ends.count {
      var index = Self.slot(of: bytes[(id == 0 ? 0 : ends[id - 1])..<ends[id]], in: larger.count)
      while larger[index] != 0 { index = (index + 1) & mask }
      larger[index] = Int32(truncatingIfNeeded: id + 1)
    }
    slots = larger
  }

  /// The first slot to look in for a name (FNV-1a of its bytes, folded); `count` is a power of two.
  private static func slot<Bytes: Sequence>(of name: Bytes, in count: Int) -> Int where Bytes.Element == UInt8 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in name { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
    hash ^= hash >> 29
    return Int(truncatingIfNeeded: hash) & (count - 1)
  }
}
