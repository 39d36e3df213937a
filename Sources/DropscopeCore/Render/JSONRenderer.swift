import Foundation

/// Writes the report as JSON: snake_case keys, sorted, so the same input gives the same bytes.
public struct JSONRenderer: ReportRenderer {
  public init() {}

  public func render(_ report: Report) throws -> String {
    var text = ""
    try render(report) { text += $0 }
    return text
  }

  /// The report with its streams left out, then each stream on its own, spliced where the streams go: the same
  /// bytes as encoding the whole report at once, without ever holding all of it as text.
  public func render(_ report: Report, into write: (String) throws -> Void) throws {
    let encoder = Self.encoder
    var outline = report
    outline.streams = []
    let frame = String(decoding: try encoder.encode(outline), as: UTF8.self)
    if report.streams.isEmpty {
      try write(frame + "\n")
      return
    }
    guard let hole = frame.range(of: Self.emptyStreams) else {
      // An encoder that writes an empty list otherwise: the whole report at once.
      try write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
      return
    }
    try write(String(frame[..<hole.lowerBound]) + "\"streams\" : [\n")
    // Streams are encoded a window at a time, the window's streams spread over the processors (the encoder is most
    // of a large report's time, and comes after the analysis, when the other threads are idle); each window is
    // written in order, so the bytes are the same and only one window is held as text.
    let streams = report.streams
    let threads = AnalysisOptions.defaultThreads
    let window = threads * 64
    var indented: [UInt8] = []
    for start in stride(from: 0, to: streams.count, by: window) {
      let range = start..<min(start + window, streams.count)
      let encoded = try Self.encode(streams[range], threads: threads)
      for (offset, object) in encoded.enumerated() {
        // Two levels in: the report's object, then the streams' array (an empty list's blank line stays blank).
        indented.removeAll(keepingCapacity: true)
        indented.reserveCapacity(object.count + object.count / 4 + 2)
        object.withUnsafeBytes { bytes in
          var lineStart = true
          for byte in bytes {
            if lineStart, byte != 0x0A { indented.append(contentsOf: Self.indent) }
            indented.append(byte)
            lineStart = byte == 0x0A
          }
        }
        indented.append(contentsOf: range.lowerBound + offset + 1 < streams.count ? Self.commaNewline : Self.newline)
        try write(String(decoding: indented, as: UTF8.self))
      }
    }
    try write("  ]" + String(frame[hole.upperBound...]) + "\n")
  }

  /// Encodes streams in order, split over up to `threads` threads, each with an encoder of its own.
  private static func encode(_ streams: ArraySlice<StreamVerdict>, threads: Int) throws -> [Data] {
    let results = EncodedStreams(count: streams.count)
    let base = streams.startIndex
    let parts = min(threads, streams.count)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let encoder = Self.encoder
      var index = part
      while index < streams.count {
        do {
          results.set(index, .success(try encoder.encode(streams[base + index])))
        } catch {
          results.set(index, .failure(error))
        }
        index += parts
      }
    }
    return try results.values.map { try $0!.get() }
  }

  private static let indent: [UInt8] = Array("    ".utf8)
  private static let commaNewline: [UInt8] = Array(",\n".utf8)
  private static let newline: [UInt8] = [0x0A]

  /// How the encoder writes the report's empty list of streams.
  private static let emptyStreams = "\"streams\" : [\n\n  ]"

  private static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return encoder
  }
}

/// The encoded streams of one window: each slot written by exactly one thread, read after all have finished.
private final class EncodedStreams: @unchecked Sendable {
  private let slots: UnsafeMutableBufferPointer<Result<Data, any Error>?>

  init(count: Int) {
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil)
  }

  deinit {
    slots.deinitialize()
    slots.deallocate()
  }

  func set(_ index: Int, _ value: Result<Data, any Error>) { slots[index] = value }

  var values: [Result<Data, any Error>?] { Array(slots) }
}
