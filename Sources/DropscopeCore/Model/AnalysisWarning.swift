/// Something in the input that dropscope could not read whole; reported, never fatal.
public struct AnalysisWarning: Sendable, Equatable, Codable {
  /// The input as the user named it.
  public var input: String
  /// A byte offset in the input (compressed offset for gzip) where the problem starts, if known.
  public var offset: Int64?
  /// A 1-based line of the decoded text, if the problem is on one line.
  public var line: Int?
  /// What happened and what it means for the report.
  public var message: String

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(input, forKey: .input)
    try c.encode(offset, forKey: .offset)
    try c.encode(line, forKey: .line)
    try c.encode(message, forKey: .message)
  }

  /// A warning for one of the input problems of `DropscopeError`.
  public init(input: String, offset: Int64? = nil, line: Int? = nil, problem: DropscopeError) {
    self.init(input: input, offset: offset, line: line, message: problem.description)
  }

  public init(input: String, offset: Int64? = nil, line: Int? = nil, message: String) {
    self.input = input
    self.offset = offset
    self.line = line
    self.message = message
  }
}
