/// Conversions of numbers read from an input, which may hold anything: none of them traps, and a value out of
/// the range a real log or capture can hold comes back as nil, for the caller to warn about.
enum UntrustedNumber {
  /// The last instant a timestamp can name (9999-12-31T23:59:59.999999Z), in microseconds since the epoch.
  static let latestInstant: Microseconds = 253_402_300_799_999_999
  /// The longest span a duration in an input can plausibly hold: a year.
  static let longestDuration: Microseconds = 366 * 86_400_000_000
  /// The most bytes one record may say were lost (`lost N`, `[N bytes data]`, a packet's length on the wire):
  /// 1 GiB, far above any real gap, and small enough that sums of them cannot overflow.
  static let mostLostBytes = 1 << 30

  /// An instant since the epoch, given in units of `unit` microseconds (1 000 000 for seconds).
  /// - Returns: nil when `value` is not finite, negative or past the year 9999.
  static func instant(_ value: Double, unit: Double) -> Microseconds? {
    let micros = value * unit
    guard micros.isFinite, micros >= 0, micros <= Double(latestInstant) else { return nil }
    return Microseconds(micros)
  }

  /// A duration in milliseconds (as HAR writes them), in microseconds.
  /// - Returns: 0 for a negative value (HAR's `-1`: not applicable); nil when it is not finite or over a year.
  static func duration(milliseconds value: Double) -> Microseconds? {
    guard value.isFinite else { return nil }
    guard value > 0 else { return 0 }
    let micros = value * 1000
    guard micros <= Double(longestDuration) else { return nil }
    return Microseconds(micros)
  }

  /// A number of seconds an input gives (a retry delay, a timeout, how long a call took).
  /// - Returns: nil when it is not finite, negative, or over a year.
  static func seconds(_ value: Double) -> Double? {
    value.isFinite && value >= 0 && value <= Double(longestDuration) / 1e6 ? value : nil
  }

  /// A whole number from a double, when it is one within `Int`'s range; nil otherwise.
  static func integer(_ value: Double) -> Int? {
    Int(exactly: value.rounded(.towardZero))
  }
}
