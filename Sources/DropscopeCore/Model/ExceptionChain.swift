/// One exception of a Python traceback: its class, message and frames.
public struct ExceptionRecord: Sendable, Equatable {
  /// The class as printed, e.g. `httpx2.RemoteProtocolError`.
  public var type: String
  /// The message after `: `; empty when the exception printed none.
  public var message: String
  /// The source files of the frames, innermost last, e.g. `…/anthropic/_streaming.py`.
  public var framePaths: [String]
  /// Where the exception's own line stands.
  public var location: SourceLocation
  /// How this exception relates to the one printed before it.
  public var link: Link

  /// How Python chained this exception to the previous one.
  public enum Link: String, Sendable {
    case first
    /// `The above exception was the direct cause of the following exception:`
    case directCause = "direct_cause"
    /// `During handling of the above exception, another exception occurred:`
    case duringHandling = "during_handling"
  }

  public init(type: String, message: String, framePaths: [String], location: SourceLocation, link: Link) {
    self.type = type
    self.message = message
    self.framePaths = framePaths
    self.location = location
    self.link = link
  }

  /// The module part of the class name (`httpx2` for `httpx2.RemoteProtocolError`).
  public var module: String {
    guard let dot = type.firstIndex(of: ".") else { return "" }
    return String(type[..<dot])
  }

  /// The class name without its module.
  public var className: String {
    guard let dot = type.lastIndex(of: ".") else { return type }
    return String(type[type.index(after: dot)...])
  }
}

/// A traceback with its chained exceptions, the innermost first and the one the application saw last.
public struct ExceptionChain: Sendable, Equatable {
  public var records: [ExceptionRecord]
  /// Where the traceback begins (its `Traceback (most recent call last):` line).
  public var start: SourceLocation
  /// For a traceback printed with no timestamp: the time of the first timestamped line
  /// written after it began, so the exception happened no later than this.
  public var printedNoLaterThan: Microseconds?
  /// The SDK (`anthropic`, `openai`) the application named where it logged the error, in its message
  /// (`Error from OpenAI API: …`) or its logger (`openai._base_client`); nil when it named none.
  public var namedSDK: String?
  /// When an uncaught traceback was printed, where a log envelope (a container runtime, journald) gave each of its
  /// lines a time: then the traceback's time is known, to the envelope clock's step, not only bounded.
  public var printedAt: Microseconds?
  /// Whether the input ended while the traceback was still being read: where the input was cut (a truncated
  /// file), its later parts, and the exception that reached the application, may be in the missing part.
  public var openWhenInputEnded = false

  public init(
    records: [ExceptionRecord], start: SourceLocation, printedNoLaterThan: Microseconds? = nil, namedSDK: String? = nil,
    printedAt: Microseconds? = nil
  ) {
    self.records = records
    self.start = start
    self.printedNoLaterThan = printedNoLaterThan
    self.namedSDK = namedSDK
    self.printedAt = printedAt
  }

  /// The exception that reached the application.
  public var final: ExceptionRecord? { records.last }

  /// Whether any frame of any record runs in a file whose path contains `fragment`.
  public func hasFrame(containing fragment: String) -> Bool {
    records.contains { $0.framePaths.contains { $0.containsBytes(fragment) } }
  }
}
