/// Errors that stop an analysis before it can produce a report; each says what to do.
public enum DropscopeError: Error, Equatable, CustomStringConvertible {
  /// A path named on the command line does not exist or cannot be opened.
  case unreadableInput(path: String, reason: String)
  /// No input was given.
  case noInputs
  /// The output file cannot be written.
  case unwritableOutput(path: String, reason: String)
  /// A key log named with `--keylog` cannot be read.
  case unreadableKeyLog(path: String, reason: String)
  /// A key log named with `--keylog` holds no secrets in the NSS key log format.
  case emptyKeyLog(path: String)

  public var description: String {
    switch self {
    case .unreadableInput(let path, let reason):
      return "cannot read '\(path)': \(reason). Check the path, or pass '-' to read standard input."
    case .noInputs:
      return "no input given: name log files or folders to analyze, or '-' for standard input."
    case .unwritableOutput(let path, let reason):
      return "cannot write the report to '\(path)': \(reason). Choose another path with -o, or leave -o out to print the report."
    case .unreadableKeyLog(let path, let reason):
      return "cannot read the key log '\(path)': \(reason). Check the path: it is the file SSLKEYLOGFILE named when the capture was made."
    case .emptyKeyLog(let path):
      return "the key log '\(path)' holds no TLS secrets (lines such as 'CLIENT_RANDOM <hex> <hex>' or 'CLIENT_TRAFFIC_SECRET_0 <hex> <hex>'). Pass the file SSLKEYLOGFILE named when the capture was made."
    }
  }
}
