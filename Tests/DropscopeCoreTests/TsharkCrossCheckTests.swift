import Foundation
import XCTest

@testable import DropscopeCore

/// On every sample capture, dropscope's reading of the TCP connections agrees with tshark's: the same
/// connections, the same payload bytes each way, the same side closing first with the same flag, at the same time.
/// `.ci/run` installs tshark; where it is missing the test says so and is skipped.
final class TsharkCrossCheckTests: XCTestCase {
  /// One connection as tshark's fields show it, by sending address: a capture that starts in the middle of a
  /// connection has no SYN to say which side is the client, so bytes and closes are kept per sender.
  struct TsharkConnection {
    var client: String?  // the SYN's sender, when the capture holds the SYN
    var bytesFrom: [String: Int] = [:]
    var firstClose: (from: String, reset: Bool, time: Double)?
  }

  func tshark(_ capture: URL) throws -> [String: TsharkConnection]? {
    let candidates = ["/usr/bin/tshark", "/usr/local/bin/tshark"]
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["-r", capture.path, "-T", "fields", "-E", "separator=|", "-e", "ip.src", "-e", "tcp.srcport",
                         "-e", "ip.dst", "-e", "tcp.dstport", "-e", "tcp.len", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack",
                         "-e", "tcp.flags.fin", "-e", "tcp.flags.reset", "-e", "frame.time_epoch"]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = Pipe()
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var connections: [String: TsharkConnection] = [:]
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
      let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      guard f.count >= 10, let length = Int(f[4]) else { continue }
      let source = "\(f[0]):\(f[1])", destination = "\(f[2]):\(f[3])"
      let key = [source, destination].sorted().joined(separator: "|")
      let isSYN = f[5] == "1" || f[5] == "True", isACK = f[6] == "1" || f[6] == "True"
      var connection = connections[key] ?? TsharkConnection()
      if isSYN, !isACK, connection.client == nil { connection.client = source }
      connection.bytesFrom[source, default: 0] += length
      let fin = f[7] == "1" || f[7] == "True", rst = f[8] == "1" || f[8] == "True"
      if (fin || rst), connection.firstClose == nil {
        connection.firstClose = (source, rst, Double(f[9]) ?? 0)
      }
      connections[key] = connection
    }
    return connections
  }

  func testConnectionsAgreeWithTshark() throws {
    let captures = try FileManager.default.subpathsOfDirectory(atPath: TestSupport.sampleLogs.path)
      .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
      .map { TestSupport.sampleLogs.appendingPathComponent($0) }
    XCTAssertFalse(captures.isEmpty, "SampleLogs should hold captures")
    for capture in captures {
      guard let theirs = try tshark(capture) else {
        throw XCTSkip("tshark is not installed (apt-get install tshark); .ci/run installs it")
      }
      let ours = Analyzer().connections(inCapture: capture.path)
      XCTAssertEqual(ours.count, theirs.count, "\(capture.lastPathComponent): connections")
      for connection in ours {
        let key = [connection.client, connection.server].sorted().joined(separator: "|")
        guard let other = theirs[key] else {
          XCTFail("\(capture.lastPathComponent): tshark has no connection \(key)")
          continue
        }
        if let client = other.client { XCTAssertEqual(connection.client, client, "\(key) client (the SYN's sender)") }
        XCTAssertEqual(connection.clientBytes, other.bytesFrom[connection.client] ?? 0, "\(key) client → server bytes")
        XCTAssertEqual(connection.serverBytes, other.bytesFrom[connection.server] ?? 0, "\(key) server → client bytes")
        XCTAssertEqual(connection.firstCloseByServer.map { $0 ? connection.server : connection.client },
                       other.firstClose?.from, "\(key) who closed first")
        XCTAssertEqual(connection.firstCloseIsReset, other.firstClose?.reset, "\(key) FIN or RST")
        if let time = connection.firstCloseTime, let theirTime = other.firstClose?.time {
          XCTAssertEqual(Double(time) / 1e6, theirTime, accuracy: 0.000_002, "\(key) close time")
        }
      }
    }
  }
}
