import DropscopeCore
import Foundation

/// The text of the progress shown on standard error: one line per moment, and a summary at the end.
/// Pure formatting, so it is tested without a terminal.
struct ProgressLine {
  /// The line for an input being read, at most `width` columns (the input's name is shortened from the left).
  /// - Parameters:
  ///   - elapsed: seconds since this input's reading began; the rate and the time left need half a second of it.
  static func text(_ p: InputProgress, elapsed: Double, width: Int = 80) -> String {
    var figures = bytes(p.bytesRead)
    if let total = p.totalBytes {
      figures += " of \(bytes(total))"
      if p.compressed { figures += " compressed" }
      if total > 0 { figures += " (\(min(100, Int(Double(p.bytesRead) * 100 / Double(total))))%)" }
    } else if p.compressed {
      figures += " compressed"
    }
    if elapsed >= 0.5, p.bytesRead > 0 {
      let rate = Double(p.bytesRead) / elapsed
      figures += ", \(bytes(Int64(rate)))/s"
      if let total = p.totalBytes, !p.finished, total > p.bytesRead {
        figures += ", \(duration(Double(total - p.bytesRead) / rate)) left"
      }
    }
    let head = "dropscope: [\(p.index + 1)/\(p.count)] "
    // The room for the name is what the widest figures of this input leave, so it does not change as they grow.
    let compressed = p.compressed ? " compressed" : ""
    let widest = p.totalBytes.map { "\(bytes($0)) of \(bytes($0))\(compressed) (100%), 999 MB/s, 9:59 left" }
      ?? "999 MB\(compressed), 999 MB/s"
    let room = max(16, width - 1 - head.count - widest.count - 2)
    return head + shortened(p.name, to: room) + "  " + figures
  }

  /// The line after the last input: what the report holds and how long it all took.
  static func summary(inputs: Int, bytesRead: Int64, streams: Int, failed: Int, seconds: Double) -> String {
    "dropscope: \(inputs) input\(inputs == 1 ? "" : "s"), \(bytes(bytesRead)) read in \(duration(seconds)): "
      + "\(grouped(streams)) stream\(streams == 1 ? "" : "s"), \(grouped(failed)) failed"
  }

  /// `27,629`: thousands grouped, as the report writes counts.
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, digit) in digits.enumerated() {
      if i > 0, (digits.count - i) % 3 == 0 { out += "," }
      out.append(digit)
    }
    return (value < 0 ? "-" : "") + out
  }

  /// `512 B`, `1.5 KB`, `12.3 MB`, `4.02 GB` (powers of 1000).
  static func bytes(_ count: Int64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(count)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    if unit == 0 { return "\(count) B" }
    return String(format: value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value) + " " + units[unit]
  }

  /// `0.4 s`, `12 s`, `3:05`, `1:02:03`.
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    if seconds < 10 { return String(format: "%.1f s", seconds) }
    let whole = Int(seconds.rounded())
    if whole < 60 { return "\(whole) s" }
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
  }

  /// `…/incident/app.log` for a name longer than `room` characters: its end is the part that tells inputs apart.
  static func shortened(_ name: String, to room: Int) -> String {
    guard name.count > room else { return name }
    return "…" + name.suffix(max(1, room - 1))
  }
}

/// Draws the progress on standard error in place (`\r`), a few times a second at most, then the summary.
final class TerminalProgress: @unchecked Sendable {
  /// Seconds between two redraws of the line.
  static let interval = 0.2
  private let lock = NSLock()
  private let width: Int
  private let began = ProcessInfo.processInfo.systemUptime
  private var inputBegan = ProcessInfo.processInfo.systemUptime
  private var current = -1
  private var lastDraw = -Double.infinity
  private var bytesRead: Int64 = 0
  /// Inputs opened, as the analysis counts them (dropscope's own reports among them are skipped by the report).
  private var inputs: Int?
  private var drawn = false

  init(width: Int) {
    self.width = width
  }

  /// Whether progress is shown: standard error is a terminal (or `DROPSCOPE_PROGRESS=1` forces it, for tests) and
  /// `--quiet` is not given.
  static func wanted(quiet: Bool) -> Bool {
    guard !quiet else { return false }
    return isatty(2) != 0 || ProcessInfo.processInfo.environment["DROPSCOPE_PROGRESS"] == "1"
  }

  /// The terminal's width in columns (80 when it does not say).
  static func terminalWidth() -> Int {
    var size = winsize()
    if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
    return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "").flatMap { $0 > 20 ? $0 : nil } ?? 80
  }

  /// Takes one report of the analysis; redraws the line when the input changed or the interval has passed.
  func update(_ p: InputProgress) {
    lock.lock()
    defer { lock.unlock() }
    let now = ProcessInfo.processInfo.systemUptime
    if p.index != current {
      current = p.index
      inputBegan = now
    } else if !p.finished, now - lastDraw < Self.interval {
      return
    }
    if p.finished { bytesRead += p.bytesRead }
    inputs = p.count
    lastDraw = now
    write("\r" + ProgressLine.text(p, elapsed: now - inputBegan, width: width) + "\u{1B}[K")
  }

  /// Replaces the line with the summary of the report.
  func finish(_ report: Report) {
    lock.lock()
    defer { lock.unlock() }
    let seconds = ProcessInfo.processInfo.systemUptime - began
    write((drawn ? "\r\u{1B}[K" : "") + ProgressLine.summary(
      inputs: inputs ?? report.inputs.count, bytesRead: bytesRead, streams: report.counts.streams, failed: report.counts.failed,
      seconds: seconds) + "\n")
  }

  private func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
    drawn = !text.hasSuffix("\n")
  }
}
