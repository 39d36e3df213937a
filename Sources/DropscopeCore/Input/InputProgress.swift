/// How far the reading of one input has got: what the analysis reports for progress on a terminal.
public struct InputProgress: Sendable, Equatable {
  /// The input's place among the inputs (0-based), and how many there are.
  public var index: Int
  public var count: Int
  public var name: String
  /// Bytes of the input read so far, as stored: compressed bytes for a gzip file.
  public var bytesRead: Int64
  /// The input's size as stored; nil when it is not a regular file (a pipe, standard input).
  public var totalBytes: Int64?
  /// Whether the bytes counted are a gzip file's (compressed) bytes.
  public var compressed: Bool
  /// Whether the input has been read to its end (or given up); the last report for it.
  public var finished: Bool

  public init(
    index: Int, count: Int, name: String, bytesRead: Int64, totalBytes: Int64?, compressed: Bool, finished: Bool
  ) {
    self.index = index
    self.count = count
    self.name = name
    self.bytesRead = bytesRead
    self.totalBytes = totalBytes
    self.compressed = compressed
    self.finished = finished
  }
}

/// Reports the progress of one input as its source hands bytes on: at its start, every `step` bytes, and at its end.
///
/// The source asks `due(at:)` once per chunk it reads (a quarter of a MiB), so the hot path pays one comparison;
/// the callback runs on whichever thread reads the input.
final class InputProgressMeter: @unchecked Sendable {
  /// Bytes between two reports.
  static let step: Int64 = 1 << 20
  private let report: @Sendable (InputProgress) -> Void
  private var progress: InputProgress
  /// The offset at which the next report is due.
  private(set) var next: Int64

  init(report: @escaping @Sendable (InputProgress) -> Void, progress: InputProgress) {
    self.report = report
    self.progress = progress
    next = Self.step
  }

  /// Starts reporting the progress of `input` (opened and sniffed): reports its start and hands the meter to its source.
  /// - Returns: the meter, to `finish` when the input is read; nil without a callback.
  static func start(
    _ report: (@Sendable (InputProgress) -> Void)?, input: AnalysisInput, index: Int, count: Int
  ) -> InputProgressMeter? {
    guard let report else { return nil }
    let meter = InputProgressMeter(report: report, progress: InputProgress(
      index: index, count: count, name: input.displayName, bytesRead: 0, totalBytes: input.source?.size,
      compressed: input.source?.isGzip ?? false, finished: false))
    input.source?.progress = meter
    report(meter.progress)
    return meter
  }

  /// Whether `offset` has reached the next report.
  @inline(__always)
  func due(at offset: Int64) -> Bool { offset >= next }

  /// Reports the bytes read up to `offset`.
  func advance(to offset: Int64) {
    next = offset + Self.step
    guard !progress.finished else { return }
    progress.bytesRead = offset
    report(progress)
  }

  /// Reports the input read to its end.
  func finish() {
    guard !progress.finished else { return }
    progress.finished = true
    progress.bytesRead = max(progress.bytesRead, progress.totalBytes ?? progress.bytesRead)
    report(progress)
  }
}
