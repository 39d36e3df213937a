/// Where a fact came from: an input file and a 1-based line in its decoded text.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Index of the input in the analysis, in the order inputs were read.
  public var input: Int
  /// 1-based line number in the decoded text of the input.
  public var line: Int

  public init(input: Int, line: Int) {
    self.input = input
    self.line = line
  }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.input, a.line) < (b.input, b.line)
  }

  public var description: String { "#\(input):\(line)" }
}

/// A moment in UTC, in microseconds since the Unix epoch.
public typealias Microseconds = Int64
