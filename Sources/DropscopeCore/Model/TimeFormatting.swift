/// Formats instants for reports: ISO 8601 in UTC, to the millisecond, deterministically.
enum TimeFormatting {
  /// `2026-11-22T15:52:48.486Z`
  static func iso(_ time: Microseconds) -> String {
    let (date, clock) = split(time)
    return "\(date)T\(clock)Z"
  }

  /// `2026-11-22T15:52:48.123456Z`: microseconds, for transcripts.
  static func isoMicros(_ time: Microseconds) -> String {
    let (date, clock) = split(time)
    var micros = time % 1_000_000
    if micros < 0 { micros += 1_000_000 }
    let text = String(micros)
    return "\(date)T\(clock.dropLast(4)).\(String(repeating: "0", count: 6 - text.count))\(text)Z"
  }

  /// `2026-11-22`: the UTC day of an instant.
  static func day(_ time: Microseconds) -> String {
    String(split(time).0)
  }

  /// `UTC+01:00`, `UTC-05:30`.
  static func utcOffset(minutes: Int) -> String {
    "UTC\(minutes < 0 ? "-" : "+")\(pad(abs(minutes) / 60, 2)):\(pad(abs(minutes) % 60, 2))"
  }

  /// A duration as people read it: `0.02 s`, `61.0 s`, then `10 min 12 s`, `2 h 44 min`, `9 days 2 h`.
  static func seconds(_ value: Double) -> String {
    let magnitude = abs(value)
    if magnitude < 1 { return "\(rounded(value, 2)) s" }
    if magnitude < 100 { return "\(rounded(value, 1)) s" }
    let total = Int(magnitude.rounded())
    let days = total / 86_400, hours = total % 86_400 / 3_600, minutes = total % 3_600 / 60, secs = total % 60
    let sign = value < 0 ? "-" : ""
    if days > 0 { return sign + "\(days) day\(days == 1 ? "" : "s")" + (hours > 0 ? " \(hours) h" : "") }
    if hours > 0 { return sign + "\(hours) h" + (minutes > 0 ? " \(minutes) min" : "") }
    return sign + "\(minutes) min" + (secs > 0 ? " \(secs) s" : "")
  }

  /// A configured limit, in whole seconds: `60 s`.
  static func limit(_ value: Double) -> String {
    "\(Int(value.rounded())) s"
  }

  private static func rounded(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int64((value * scale).rounded())
    let whole = scaled / Int64(scale)
    let fraction = abs(scaled % Int64(scale))
    let fractionText = String(fraction)
    let padded = String(repeating: "0", count: max(0, digits - fractionText.count)) + fractionText
    let sign = value < 0 && whole == 0 ? "-" : ""
    return "\(sign)\(whole).\(padded)"
  }

  private static func split(_ time: Microseconds) -> (String, String) {
    var seconds = time / 1_000_000
    var micros = time % 1_000_000
    if micros < 0 {
      micros += 1_000_000
      seconds -= 1
    }
    var days = seconds / 86_400
    var secondOfDay = seconds % 86_400
    if secondOfDay < 0 {
      secondOfDay += 86_400
      days -= 1
    }
    let (y, m, d) = civil(fromDays: Int(days))
    let h = secondOfDay / 3600, mi = (secondOfDay % 3600) / 60, s = secondOfDay % 60
    return ("\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))",
            "\(pad(Int(h), 2)):\(pad(Int(mi), 2)):\(pad(Int(s), 2)).\(pad(Int(micros / 1000), 3))")
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
  }

  /// The civil date of a day number since 1970-01-01 (Howard Hinnant's algorithm).
  static func civil(fromDays z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }
}
