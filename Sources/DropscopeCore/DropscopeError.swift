/// Errors that stop an analysis before it can produce a report, and problems with one input that the report shows as
/// warnings; each says what to do.
public enum DropscopeError: Error, Equatable, CustomStringConvertible {
  /// A path named on the command line does not exist or cannot be opened.
  case unreadableInput(path: String, reason: String)
  /// No input was given.
  case noInputs
  /// The output file cannot be written.
  case unwritableOutput(path: String, reason: String)
  /// A value in an input that no real log or capture holds (a time in the year 10^300, a packet of 2 GiB).
  case absurdValue(what: String, consequence: String)
  /// A part of an input larger than dropscope keeps in memory at once (a HAR entry of hundreds of megabytes).
  case tooLargeToKeep(what: String, limit: String, consequence: String)
  /// A folder reached again through a symbolic link while it is being walked.
  case linkCycle(path: String, target: String)
  /// A file reached a second time (through a link): it was read once.
  case alreadyRead(path: String, first: String)
  /// A capture whose packets are of a link type dropscope does not decode.
  case unsupportedLinkType(Int)
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
    case .absurdValue(let what, let consequence):
      return "\(what), which no real input holds: \(consequence). The file may be damaged or made by hand; check what wrote it."
    case .tooLargeToKeep(let what, let limit, let consequence):
      return "\(what) is larger than dropscope keeps in memory (\(limit)): \(consequence). Split the input, or leave large bodies out when exporting it."
    case .linkCycle(let path, let target):
      return "'\(path)' links back to '\(target)', a folder already being read: not followed, so that nothing is read twice. Name the folder itself if it was meant."
    case .alreadyRead(let path, let first):
      return "'\(path)' is the same file as '\(first)' (a link to it): read once, as '\(first)'."
    case .unsupportedLinkType(let type):
      return "the capture's packets are of link type \(type), which dropscope does not decode (it reads Ethernet, Linux cooked, loopback and raw IP): nothing in it was analyzed. Capture on an Ethernet or 'any' interface, or convert the capture with editcap -T."
    case .unreadableKeyLog(let path, let reason):
      return "cannot read the key log '\(path)': \(reason). Check the path: it is the file SSLKEYLOGFILE named when the capture was made."
    case .emptyKeyLog(let path):
      return "the key log '\(path)' holds no TLS secrets (lines such as 'CLIENT_RANDOM <hex> <hex>' or 'CLIENT_TRAFFIC_SECRET_0 <hex> <hex>'). Pass the file SSLKEYLOGFILE named when the capture was made."
    }
  }
}
