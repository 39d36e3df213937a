/// Where a fact came from: an input file and a 1-based line of its text, or a 1-based packet of a capture.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Index of the input in the analysis, in the order inputs were read.
  public var input: Int
  /// 1-based line number in the decoded text of the input, or packet number in a capture.
  public var line: Int
  /// Whether `line` counts packets of a capture (shown as `file#packet`).
  public var isPacket: Bool

  public init(input: Int, line: Int, isPacket: Bool = false) {
    self.input = input
    self.line = line
    self.isPacket = isPacket
  }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.input, a.line) < (b.input, b.line)
  }

  public var description: String { "#\(input):\(line)" }
}

/// A moment in UTC, in microseconds since the Unix epoch.
public typealias Microseconds = Int64
