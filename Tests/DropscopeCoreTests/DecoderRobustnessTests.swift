import Foundation
import Testing

@testable import DropscopeCore

/// The TLS record, HTTP/2 frame and HPACK decoders on damaged and random input: they refuse it or read what
/// they can, and never trap (a seeded stand-in for a fuzz target).
@Suite struct DecoderRobustnessTests {
  /// A small deterministic generator (xorshift), so a failure can be replayed.
  struct Bytes {
    var state: UInt64
    mutating func next() -> UInt64 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
  }

  @Test func randomBytesNeverTrapTheHTTP2Reader() {
    var random = Bytes(state: 0x9E37_79B9_7F4A_7C15)
    for round in 0..<500 {
      var session = HTTP2Session(scheme: "https")
      var facts = 0
      var input = HTTP2Session.preface + random.bytes(Int(random.next() % 600))
      // Every other round a well-formed frame header in front, so frames of each type get read.
      if round % 2 == 0 {
        let type = UInt8(random.next() % 10), length = Int(random.next() % 64)
        input += [0, 0, UInt8(length), type, UInt8(truncatingIfNeeded: random.next()), 0, 0, 0, 1] + random.bytes(length)
      }
      for fromClient in [true, false] {
        input.withUnsafeBytes { session.feed($0, fromClient: fromClient, { _, _, _ in facts += 1 }, ended: { _ in facts += 1 }) }
      }
      _ = facts
    }
  }

  @Test func randomBlocksNeverTrapHPACK() {
    var random = Bytes(state: 0xBF58_476D_1CE4_E5B9)
    var decoder = HPACKDecoder()
    for _ in 0..<2000 {
      _ = decoder.decode(random.bytes(Int(random.next() % 80)))
      _ = HPACKHuffman.decode(random.bytes(Int(random.next() % 40)))
    }
  }

  @Test func randomRecordsNeverTrapTheDecryptor() {
    var random = Bytes(state: 0x94D0_49BB_1331_11EB)
    var keyLog = TLSKeyLog()
    let clientRandom = random.bytes(32)
    keyLog.add(text: Array("CLIENT_TRAFFIC_SECRET_0 \(clientRandom.map { String(format: "%02x", $0) }.joined()) \(String(repeating: "11", count: 32))\nCLIENT_RANDOM \(clientRandom.map { String(format: "%02x", $0) }.joined()) \(String(repeating: "22", count: 48))\n".utf8))
    let keyring = TLSKeyring(keyLog)
    for round in 0..<300 {
      let decryptor = TLSDecryptor(keyring: keyring)
      var hello: [UInt8] = [1, 0, 0, 70, 3, 3] + clientRandom + random.bytes(32)
      _ = decryptor.record(type: 22, version: 0x0301, body: hello, fromClient: true)
      hello = [2, 0, 0, 70, 3, 3] + random.bytes(32) + [0, 0x13, UInt8(round % 4), 0] + random.bytes(Int(random.next() % 20))
      _ = decryptor.record(type: 22, version: 0x0303, body: hello, fromClient: false)
      for _ in 0..<5 {
        let type: UInt8 = [20, 21, 22, 23][Int(random.next() % 4)]
        _ = decryptor.record(type: type, version: 0x0303, body: random.bytes(Int(random.next() % 100)), fromClient: random.next() % 2 == 0)
      }
    }
  }
}
