import Crypto
import Foundation
import Testing

@testable import DropscopeCore

/// A TLS 1.3 session with ChaCha20-Poly1305 whose server updates its key mid-session (RFC 8446 §4.6.3), built
/// here record by record: the decryptor follows the KeyUpdate, and a key log with only the application secrets
/// reads the application data.
@Suite struct TLSKeyUpdateTests {
  static let suite = TLSCipherSuite(code: 0x1303)!

  /// Seals one TLS 1.3 record the way a sender does: inner type after the content, nonce = iv XOR sequence.
  static func seal(_ content: [UInt8], type: UInt8, secret: [UInt8], sequence: UInt64) throws -> (header: [UInt8], body: [UInt8]) {
    let keys = TLSKeySchedule.trafficKeys(secret: secret, suite: suite)
    var nonce = keys.iv
    for i in 0..<8 { nonce[4 + i] ^= UInt8(truncatingIfNeeded: sequence >> (56 - 8 * UInt64(i))) }
    let inner = content + [type]
    let header: [UInt8] = [23, 3, 3, UInt8((inner.count + 16) >> 8), UInt8((inner.count + 16) & 0xff)]
    let box = try ChaChaPoly.seal(inner, using: SymmetricKey(data: keys.key), nonce: ChaChaPoly.Nonce(data: nonce),
                                  authenticating: header)
    return (header, Array(box.ciphertext) + Array(box.tag))
  }

  static func hello(_ type: UInt8, random: [UInt8], extensions: [UInt8]) -> [UInt8] {
    var body: [UInt8] = [3, 3] + random + [0]
    body += type == 1 ? [0, 2, 0x13, 0x03, 1, 0] : [0x13, 0x03, 0]
    body += [UInt8(extensions.count >> 8), UInt8(extensions.count & 0xff)] + extensions
    return [type, 0, UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
  }

  /// Without the handshake secrets, the encrypted handshake's records are passed over; a direction whose records
  /// never open fails after them.
  @Test func handshakeRecordsWithoutTheirKeyArePassedOver() throws {
    let clientRandom = [UInt8](repeating: 0xc1, count: 32)
    let clientSecret = [UInt8](repeating: 0x11, count: 32), serverSecret = [UInt8](repeating: 0x22, count: 32)
    func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
    var keyLog = TLSKeyLog()
    keyLog.add(text: Array("""
      CLIENT_TRAFFIC_SECRET_0 \(hex(clientRandom)) \(hex(clientSecret))
      SERVER_TRAFFIC_SECRET_0 \(hex(clientRandom)) \(hex(serverSecret))
      """.utf8))
    let decryptor = TLSDecryptor(keyring: TLSKeyring(keyLog))
    #expect(decryptor.record(type: 22, version: 0x0301, body: Self.hello(1, random: clientRandom, extensions: []), fromClient: true) == .clear)
    let serverHello = Self.hello(2, random: [UInt8](repeating: 0x5e, count: 32), extensions: [0x00, 0x2b, 0x00, 0x02, 0x03, 0x04])
    #expect(decryptor.record(type: 22, version: 0x0303, body: serverHello, fromClient: false) == .clear)

    // The server's encrypted handshake, under a secret the key log does not have: passed over, not fatal yet.
    let unknown = [UInt8](repeating: 0x33, count: 32)
    for sequence in 0..<3 {
      let handshake = try Self.seal([8, 0, 0, 2, 0, 0], type: 22, secret: unknown, sequence: UInt64(sequence))
      #expect(decryptor.record(type: 23, version: 0x0303, body: handshake.body, fromClient: false) == .skipped)
    }
    let data = try Self.seal(Array("HTTP/1.1 200 OK\r\n".utf8), type: 23, secret: serverSecret, sequence: 0)
    #expect(decryptor.record(type: 23, version: 0x0303, body: data.body, fromClient: false) == .applicationData(Array("HTTP/1.1 200 OK\r\n".utf8)))
    // The client's records under a wrong key: passed over as its handshake for a while, then a failure.
    var outputs: [TLSDecryptor.Output] = []
    for sequence in 0..<10 {
      let record = try Self.seal(Array("POST".utf8), type: 23, secret: unknown, sequence: UInt64(sequence))
      outputs.append(decryptor.record(type: 23, version: 0x0303, body: record.body, fromClient: true))
    }
    #expect(outputs.prefix(8).allSatisfy { $0 == .skipped })
    if case .failed = outputs[8] {} else { Issue.record("records that never open end in a failure") }
    _ = clientSecret
  }

  @Test func applicationDataAcrossAKeyUpdate() throws {
    let clientRandom = [UInt8](repeating: 0xc2, count: 32)
    let serverSecret = [UInt8](repeating: 0x44, count: 32)
    func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
    var keyLog = TLSKeyLog()
    keyLog.add(text: Array("SERVER_TRAFFIC_SECRET_0 \(hex(clientRandom)) \(hex(serverSecret))\nCLIENT_TRAFFIC_SECRET_0 \(hex(clientRandom)) \(hex(serverSecret.reversed()))\n".utf8))
    let decryptor = TLSDecryptor(keyring: TLSKeyring(keyLog))
    _ = decryptor.record(type: 22, version: 0x0301, body: Self.hello(1, random: clientRandom, extensions: []), fromClient: true)
    _ = decryptor.record(type: 22, version: 0x0303, body: Self.hello(2, random: [UInt8](repeating: 0x5f, count: 32),
                                                                      extensions: [0x00, 0x2b, 0x00, 0x02, 0x03, 0x04]), fromClient: false)
    let first = try Self.seal(Array("HTTP/1.1 200 OK\r\n".utf8), type: 23, secret: serverSecret, sequence: 0)
    #expect(decryptor.record(type: 23, version: 0x0303, body: first.body, fromClient: false) == .applicationData(Array("HTTP/1.1 200 OK\r\n".utf8)))
    // KeyUpdate (handshake type 24, update_not_requested), then data under the next secret from sequence 0.
    let update = try Self.seal([24, 0, 0, 1, 0], type: 22, secret: serverSecret, sequence: 1)
    #expect(decryptor.record(type: 23, version: 0x0303, body: update.body, fromClient: false) == .consumed)
    let next = TLSKeySchedule.nextTrafficSecret(serverSecret, suite: Self.suite)
    let after = try Self.seal(Array("event: ping\n\n".utf8), type: 23, secret: next, sequence: 0)
    #expect(decryptor.record(type: 23, version: 0x0303, body: after.body, fromClient: false) == .applicationData(Array("event: ping\n\n".utf8)))
    let again = try Self.seal(Array("data: {}\n\n".utf8), type: 23, secret: next, sequence: 1)
    #expect(decryptor.record(type: 23, version: 0x0303, body: again.body, fromClient: false) == .applicationData(Array("data: {}\n\n".utf8)))
    // A record still under the old key after the update does not open.
    let stale = try Self.seal(Array("late".utf8), type: 23, secret: serverSecret, sequence: 2)
    if case .failed = decryptor.record(type: 23, version: 0x0303, body: stale.body, fromClient: false) {} else {
      Issue.record("a record under the replaced key should not open")
    }
  }
}
