#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines without copying, carrying a partial line across chunks.
///
/// Lines end with LF; a CR before it is dropped. A line longer than `maxLineLength`
/// is cut to that length and the rest of it skipped, so memory stays bounded.
struct LineSplitter {
  let maxLineLength: Int
  /// 1-based number of the last line delivered.
  private(set) var lineNumber = 0
  /// Lines that were cut because they were too long.
  private(set) var overlongLines: [Int] = []
  private var carry: [UInt8] = []
  private var spare: [UInt8] = []
  private var skippingOverlong = false

  init(maxLineLength: Int = 1 << 20) {
    self.maxLineLength = maxLineLength
  }

  /// Feeds a chunk; calls `body` with each complete line and its 1-based number.
  mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
    guard var cursor = chunk.baseAddress else { return }
    let end = cursor + chunk.count
    while cursor < end {
      let remaining = end - cursor
      guard let found = memchr(cursor, 0x0a, remaining) else {
        appendPartial(UnsafeRawBufferPointer(start: cursor, count: remaining), body)
        return
      }
      let newline = UnsafeRawPointer(found)
      let piece = UnsafeRawBufferPointer(start: cursor, count: newline - cursor)
      cursor = newline + 1
      if skippingOverlong {
        skippingOverlong = false
        continue
      }
      if carry.isEmpty, piece.count <= maxLineLength {
        deliver(piece, body)
      } else {
        appendPartial(piece, body)
        if skippingOverlong {
          skippingOverlong = false
          continue
        }
        deliverCarry(body)
      }
    }
  }

  /// Delivers the last line if the input did not end with a newline.
  mutating func finish(_ body: (UnsafeRawBufferPointer, Int) -> Void) {
    if !carry.isEmpty { deliverCarry(body) }
    skippingOverlong = false
  }

  private mutating func appendPartial(_ piece: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
    if skippingOverlong { return }
    let room = maxLineLength - carry.count
    if piece.count <= room {
      carry.append(contentsOf: piece)
      return
    }
    carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece[0..<room]))
    deliverCarry(body)
    overlongLines.append(lineNumber)
    skippingOverlong = true
  }

  private mutating func deliverCarry(_ body: (UnsafeRawBufferPointer, Int) -> Void) {
    swap(&carry, &spare)
    let pending = spare
    pending.withUnsafeBytes { deliver($0, body) }
    spare.removeAll(keepingCapacity: spare.count <= 1 << 16)
  }

  private mutating func deliver(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int) -> Void) {
    lineNumber += 1
    var count = line.count
    if count > 0, line[count - 1] == 0x0d { count -= 1 }
    body(UnsafeRawBufferPointer(start: line.baseAddress, count: count), lineNumber)
  }
}
