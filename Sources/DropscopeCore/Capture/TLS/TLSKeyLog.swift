/// The secrets of an NSS key log (`SSLKEYLOGFILE`), by the client random of each TLS session they open.
///
/// Lines are `LABEL <client random hex> <secret hex>`; `#` lines are comments. TLS 1.2 sessions have a
/// `CLIENT_RANDOM` line (the master secret), TLS 1.3 sessions the four traffic secrets. Other labels (early
/// data, exporter secrets) are kept but not used. The secrets never reach any output.
import Foundation

public struct TLSKeyLog: Sendable, Equatable {
  /// A session's secrets, by label (`CLIENT_RANDOM`, `CLIENT_TRAFFIC_SECRET_0`, …).
  public typealias Secrets = [String: [UInt8]]

  private(set) var sessions: [[UInt8]: Secrets] = [:]

  /// The number of TLS sessions the key log has secrets for.
  public var sessionCount: Int { sessions.count }
  public var isEmpty: Bool { sessions.isEmpty }

  public init() {}

  /// Reads key log text; returns the number of lines that were secrets (malformed lines are passed over).
  @discardableResult
  public mutating func add(text: some Sequence<UInt8>) -> Int {
    var added = 0
    var line: [UInt8] = []
    func take() {
      defer { line.removeAll(keepingCapacity: true) }
      guard let first = line.first, first != UInt8(ascii: "#") else { return }
      let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d })
      guard fields.count == 3, let random = Self.hex(fields[1]), random.count == 32, let secret = Self.hex(fields[2]),
        !secret.isEmpty
      else { return }
      sessions[random, default: [:]][String(decoding: fields[0], as: UTF8.self)] = secret
      added += 1
    }
    for byte in text {
      if byte == 0x0a { take() } else { line.append(byte) }
    }
    take()
    return added
  }

  /// Reads the key log files named on the command line; throws when one cannot be read or holds no secrets.
  public static func load(paths: [String]) throws(DropscopeError) -> TLSKeyLog {
    var keyLog = TLSKeyLog()
    for path in paths {
      guard let data = FileManager.default.contents(atPath: path) else {
        let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable" : "no such file"
        throw .unreadableKeyLog(path: path, reason: reason)
      }
      guard keyLog.add(text: data) > 0 else { throw .emptyKeyLog(path: path) }
    }
    return keyLog
  }

  /// Whether a file is an NSS key log: its first line that is not a comment is a secret's.
  public static func isKeyLog(path: String) -> Bool {
    // Only a regular file is looked at here: standard input, a FIFO or a process substitution is read once, by
    // its reader, and opening it to sniff would take (or wait for) its bytes.
    guard (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
      let handle = FileHandle(forReadingAtPath: path)
    else { return false }
    defer { try? handle.close() }
    guard let head = try? handle.read(upToCount: 4096) else { return false }
    for line in head.split(separator: 0x0a) where !line.isEmpty && line.first != UInt8(ascii: "#") {
      let label = line.prefix { $0 != 0x20 }
      return knownLabels.contains(String(decoding: label, as: UTF8.self)) && line.count > label.count + 64
    }
    return false
  }

  /// A key log file's bytes (empty when it cannot be read).
  static func contents(path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { Array($0) } ?? []
  }

  /// The labels of the NSS key log format.
  static let knownLabels: Set<String> = [
    "CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EARLY_EXPORTER_SECRET", "EXPORTER_SECRET",
  ]

  /// Adds the secrets of another key log.
  public mutating func merge(_ other: TLSKeyLog) {
    sessions.merge(other.sessions) { mine, theirs in mine.merging(theirs) { $1 } }
  }

  /// The secrets of the session a ClientHello with this random opened.
  func secrets(clientRandom: [UInt8]) -> Secrets? { sessions[clientRandom] }

  /// `0a1B…` → bytes; nil for anything that is not an even number of hex digits.
  static func hex(_ text: some Collection<UInt8>) -> [UInt8]? {
    guard text.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(text.count / 2)
    var high: UInt8?
    for c in text {
      guard let v = c.hexDigitValue else { return nil }
      if let h = high {
        out.append(h << 4 | v)
        high = nil
      } else {
        high = v
      }
    }
    return out
  }
}
