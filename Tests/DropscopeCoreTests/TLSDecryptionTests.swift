import Testing

@testable import DropscopeCore

/// The TLS key schedule and record protection against published traces, and the key log reader.
@Suite struct TLSDecryptionTests {
  static func hex(_ text: String) -> [UInt8] { TLSKeyLog.hex(Array(text.utf8))! }

  /// RFC 8448 §3 (simple 1-RTT handshake, TLS_AES_128_GCM_SHA256): each traffic secret's write key and IV.
  @Test func trafficKeysAreThoseOfRFC8448() throws {
    let suite = try #require(TLSCipherSuite(code: 0x1301))
    let cases: [(secret: String, key: String, iv: String)] = [
      ("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", "dbfaa693d1762c5b666af5d950258d01",
       "5bd3c71b836e0b76bb73265f"),
      ("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", "3fce516009c21727d0f2e4e86ee403bc",
       "5d313eb2671276ee13000b30"),
    ]
    for c in cases {
      let keys = TLSKeySchedule.trafficKeys(secret: Self.hex(c.secret), suite: suite)
      #expect(keys.key == Self.hex(c.key))
      #expect(keys.iv == Self.hex(c.iv))
    }
  }

  /// RFC 8448 §3: the client's Finished record opens under the client handshake traffic secret, inner type 22.
  @Test func theClientFinishedRecordOfRFC8448Opens() throws {
    let suite = try #require(TLSCipherSuite(code: 0x1301))
    var cipher = TLSRecordCipher(
      tls13Secret: Self.hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"), suite: suite)
    let wire = Self.hex("170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546")
    let result = cipher.open(type: wire[0], version: 0x0303, body: Array(wire[5...]))
    let opened = try #require(result)
    #expect(opened.type == 22)
    #expect(opened.content == Self.hex("14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61"))
    // The same bytes again are the next record: its nonce differs, so they do not verify.
    #expect(cipher.open(type: wire[0], version: 0x0303, body: Array(wire[5...])) == nil)
  }

  /// A damaged record does not verify; nothing traps.
  @Test func aDamagedRecordDoesNotOpen() throws {
    let suite = try #require(TLSCipherSuite(code: 0x1301))
    var cipher = TLSRecordCipher(
      tls13Secret: Self.hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"), suite: suite)
    var body = Self.hex("75ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546")
    body[3] ^= 1
    #expect(cipher.open(type: 23, version: 0x0303, body: body) == nil)
    #expect(cipher.open(type: 23, version: 0x0303, body: [1, 2, 3]) == nil)
    #expect(cipher.open(type: 23, version: 0x0303, body: []) == nil)
  }

  /// TLS 1.2's PRF (P_SHA256) against the vector circulated on the TLS working group's list.
  @Test func thePRFGivesThePublishedVector() {
    let out = TLSKeySchedule.prf(secret: Self.hex("9bbe436ba940f017b17652849a71db35"), label: "test label",
                                 seed: Self.hex("a0ba9f936cda311827a6f796ffd5198c"), length: 100, hash: .sha256)
    #expect(out == Self.hex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66"))
  }

  /// NSS key log lines by client random; comments, malformed lines and short randoms are passed over.
  @Test func keyLogLinesAreReadByClientRandom() {
    var keyLog = TLSKeyLog()
    let random = String(repeating: "ab", count: 32)
    let added = keyLog.add(text: Array("""
      # SSL/TLS secrets log file
      CLIENT_RANDOM \(random) \(String(repeating: "01", count: 48))
      CLIENT_TRAFFIC_SECRET_0 \(random) \(String(repeating: "02", count: 32))\r
      SERVER_TRAFFIC_SECRET_0 abcd \(String(repeating: "03", count: 32))
      garbage
      CLIENT_TRAFFIC_SECRET_0 \(random) zz
      """.utf8))
    #expect(added == 2)
    #expect(keyLog.sessionCount == 1)
    let secrets = keyLog.secrets(clientRandom: Self.hex(random))
    #expect(secrets?["CLIENT_RANDOM"]?.count == 48)
    #expect(secrets?["CLIENT_TRAFFIC_SECRET_0"] == [UInt8](repeating: 2, count: 32))
  }

  /// An empty or unreadable key log is an error that says what to pass.
  @Test func anEmptyKeyLogIsAnError() throws {
    #expect(throws: DropscopeError.unreadableKeyLog(path: "/nonexistent/keylog", reason: "no such file")) {
      try TLSKeyLog.load(paths: ["/nonexistent/keylog"])
    }
    let empty = TestSupport.root.appendingPathComponent("README.md").path
    #expect(throws: DropscopeError.emptyKeyLog(path: empty)) { try TLSKeyLog.load(paths: [empty]) }
  }
}
