import Foundation

/// A first-in, first-out hand-over of values between two threads.
final class HandOff<Element>: @unchecked Sendable {
  private let condition = NSCondition()
  private var items: [Element] = []
  private var head = 0
  private var finished = false

  func put(_ item: Element) {
    condition.lock()
    items.append(item)
    condition.signal()
    condition.unlock()
  }

  /// No more values will be put.
  func finish() {
    condition.lock()
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  /// The next value; waits for one; nil once `finish` was called and all were taken.
  func take() -> Element? {
    condition.lock()
    defer { condition.unlock() }
    while head == items.count, !finished { condition.wait() }
    guard head < items.count else { return nil }
    let item = items[head]
    head += 1
    if head == items.count {
      items.removeAll(keepingCapacity: true)
      head = 0
    }
    return item
  }
}
