import Glibc

/// The classes of recently seen messages, by their bytes: a busy log repeats a few messages (one per SSE event,
/// `event content_block_delta`) millions of times, and a repeat is looked up instead of scanned again.
///
/// A message's class depends on its bytes alone (`LineClassifier.message` reads nothing before the message), so
/// a repeat has the same class. Classes that point into the line (a request id's or version's range) are not kept.
final class MessageMemo {
  /// Messages longer than this are classified every time: long messages rarely repeat.
  static let longest = 120
  /// A power of two.
  private static let slots = 128
  private let keys: UnsafeMutableRawBufferPointer
  private let lengths: UnsafeMutablePointer<Int>
  /// The event each kept message names: kept are only messages whose class is an event alone, or nothing.
  private let events: UnsafeMutablePointer<StreamEvent?>

  init() {
    keys = .allocate(byteCount: Self.slots * Self.longest, alignment: 8)
    lengths = .allocate(capacity: Self.slots)
    lengths.initialize(repeating: -1, count: Self.slots)
    events = .allocate(capacity: Self.slots)
    events.initialize(repeating: nil, count: Self.slots)
  }

  deinit {
    keys.deallocate()
    lengths.deallocate()
    events.deallocate()
  }

  /// The class of the message that starts at `m`, from the memo when its bytes were seen last in its slot.
  func classify(_ line: UnsafeRawBufferPointer, from m: Int) -> MessageClass {
    let count = line.count - m
    guard count > 0, count <= Self.longest, let base = line.baseAddress else { return LineClassifier.message(line, from: m) }
    let message = base + m
    let slot = Int(truncatingIfNeeded: Self.hash(message, count) & UInt64(Self.slots - 1))
    let key = keys.baseAddress! + slot * Self.longest
    if lengths[slot] == count, memcmp(key, message, count) == 0 {
      guard let event = events[slot] else { return .unrecognised }
      return .words(WordScan(event: event))
    }
    let found = LineClassifier.message(line, from: m)
    if let kept = Self.keptEvent(found) {
      key.copyMemory(from: message, byteCount: count)
      lengths[slot] = count
      events[slot] = kept
    }
    return found
  }

  /// FNV-style mixing of eight bytes at a time.
  @inline(__always)
  private static func hash(_ bytes: UnsafeRawPointer, _ count: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(count)
    var i = 0
    while i + 8 <= count {
      h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01b3
      i += 8
    }
    while i < count {
      h = (h ^ UInt64(bytes.load(fromByteOffset: i, as: UInt8.self))) &* 0x0000_0100_0000_01b3
      i += 1
    }
    return h ^ (h >> 29)
  }

  /// What is kept of a class: `.some(nil)` for an unrecognised message, `.some(event)` for an event alone, and
  /// nil (not kept) for anything else. The lines that repeat by the million are these two; a class holding more
  /// (a request id's range in its line, usage, an account) is read again each time.
  private static func keptEvent(_ found: MessageClass) -> StreamEvent?? {
    switch found {
    case .unrecognised: return .some(nil)
    case .words(let scan) where scan == WordScan(event: scan.event) && scan.event != nil: return .some(scan.event)
    default: return nil
    }
  }
}
