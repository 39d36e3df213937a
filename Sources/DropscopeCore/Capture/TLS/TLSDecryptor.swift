/// Decrypts the records of one TLS connection, both directions, with the secrets of its session.
///
/// The ClientHello gives the client random that finds the secrets; the ServerHello the version and cipher
/// suite. TLS 1.3: each direction opens records with its handshake key, then its application key (a record that
/// does not open under the current key is tried under the next, so a key log with only the application secrets
/// still reads the application data), then the keys its KeyUpdates call for. TLS 1.2: each direction's records
/// after its ChangeCipherSpec, under the keys the master secret gives.
final class TLSDecryptor {
  /// What one record became.
  enum Output: Equatable {
    /// A record in clear (hello, ChangeCipherSpec) or before any key: read it as without keys.
    case clear
    /// A record opened whose content is not the application's (a handshake message).
    case consumed
    /// An alert: its level and description (0: close_notify).
    case alert(level: UInt8, description: UInt8)
    /// Application bytes.
    case applicationData([UInt8])
    /// A TLS 1.3 handshake record the key log has no handshake secret for: passed over, the session undecided.
    case skipped
    /// The session cannot be decrypted, for this reason; `silent` when no key log was given at all.
    case failed(reason: String, silent: Bool)
  }

  private let keyring: TLSKeyring
  private var clientRandom: [UInt8]?
  private var suite: TLSCipherSuite?
  private var isTLS13 = false
  /// Per direction (client, server): the keys in the order they take over, the one in use, and whether
  /// records are protected yet (TLS 1.2: after ChangeCipherSpec).
  private var ciphers: [[TLSRecordCipher]] = [[], []]
  private var current = [0, 0]
  private var protected = [false, false]
  /// Decrypted handshake bytes per direction, until whole messages are there.
  private var handshake: [[UInt8]] = [[], []]
  /// The protocol ALPN chose (`h2`, `http/1.1`), once the ServerHello (TLS 1.2) or EncryptedExtensions (1.3) said.
  private(set) var alpn: String?
  /// Records opened.
  private(set) var opened = 0
  /// Per direction: whether the key log had its TLS 1.3 handshake secret, and the records opened and passed over.
  private var hasHandshakeKey = [false, false]
  private var openedPerSide = [0, 0]
  private var skippedPerSide = [0, 0]
  /// How many records of a direction without its handshake secret may be passed over before the first opens: the
  /// encrypted handshake is a few records (the server's EncryptedExtensions to Finished, the client's Finished).
  private static var handshakeRecordsWithoutKey: Int { 8 }

  init(keyring: TLSKeyring) {
    self.keyring = keyring
  }

  /// Reads one record: its header's type and version and its body.
  func record(type: UInt8, version: UInt16, body: [UInt8], fromClient: Bool) -> Output {
    let side = fromClient ? 0 : 1
    if type == 22, !protected[side] || isTLS13 && suite == nil {
      if body.first == 1, body.count >= 38 { clientRandom = Array(body[6..<38]) }
      if body.first == 2, !fromClient { return serverHello(body) }
      return .clear
    }
    if type == 20 {
      if !isTLS13, suite != nil { protected[side] = true }
      return .clear
    }
    guard let suite, protected[side] || isTLS13 else { return .clear }
    // TLS 1.3 protects every record but ChangeCipherSpec (and alerts sent before the keys); the outer type of a
    // protected one is application data.
    if isTLS13, type != 23 { return .clear }
    var index = current[side]
    var opened: (type: UInt8, content: [UInt8])?
    while index < ciphers[side].count {
      // Opened in place: a record that does not verify leaves the cipher as it was.
      if let result = ciphers[side][index].open(type: type, version: version, body: body) {
        current[side] = index
        opened = result
        break
      }
      // TLS 1.2 has one key per direction; TLS 1.3 moves on only to keys not yet used.
      guard isTLS13 else { break }
      index += 1
    }
    guard let (inner, content) = opened else {
      if isTLS13, !hasHandshakeKey[side], openedPerSide[side] == 0, skippedPerSide[side] < Self.handshakeRecordsWithoutKey {
        skippedPerSide[side] += 1
        return .skipped
      }
      return .failed(reason: "its \(fromClient ? "client" : "server") records do not decrypt with the key log's secrets for this session (a key log from another run, or damaged)", silent: false)
    }
    self.opened += 1
    openedPerSide[side] += 1
    switch inner {
    case 23: return .applicationData(content)
    case 21 where content.count >= 2: return .alert(level: content[0], description: content[1])
    case 22:
      handshakeMessages(content, side: side, suite: suite)
      return .consumed
    default: return .consumed
    }
  }

  /// Takes the ServerHello: the version, the suite, and the keys of the session.
  private func serverHello(_ body: [UInt8]) -> Output {
    guard body.count >= 40 else { return .clear }
    let random = Array(body[6..<38])
    // A HelloRetryRequest looks like a ServerHello with this random; the real one follows.
    if random == Self.helloRetryRandom { return .clear }
    var i = 38
    i += 1 + Int(body[i])
    guard i + 3 <= body.count else { return .clear }
    let code = UInt16(body[i]) << 8 | UInt16(body[i + 1])
    isTLS13 = TLSRecordReader.negotiatedVersion(inServerHello: body) == 0x0304
    alpn = Self.alpn(inExtensionsOf: body, from: i + 3)
    guard let clientRandom else { return .failed(reason: "its ClientHello was not captured", silent: keyring.isEmpty) }
    guard let secrets = keyring.secrets(clientRandom: clientRandom) else {
      return .failed(reason: "the key log has no secrets for this session", silent: keyring.isEmpty)
    }
    guard let suite = TLSCipherSuite(code: code) else {
      return .failed(reason: "its cipher suite 0x\(String(code, radix: 16, uppercase: true)) is not one dropscope decrypts (AES-GCM and ChaCha20-Poly1305 are)", silent: false)
    }
    self.suite = suite
    if isTLS13 {
      for (side, labels) in [["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0"],
                             ["SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"]].enumerated() {
        ciphers[side] = labels.compactMap { secrets[$0] }.filter { $0.count == suite.hashLength }
          .map { TLSRecordCipher(tls13Secret: $0, suite: suite) }
        hasHandshakeKey[side] = secrets[labels[0]]?.count == suite.hashLength
      }
      guard !ciphers[0].isEmpty || !ciphers[1].isEmpty else {
        return .failed(reason: "the key log has no TLS 1.3 traffic secrets for this session", silent: false)
      }
    } else {
      guard let master = secrets["CLIENT_RANDOM"], master.count == 48 else {
        return .failed(reason: "the key log has no CLIENT_RANDOM master secret for this TLS 1.2 session", silent: false)
      }
      let keys = TLSKeySchedule.tls12Keys(masterSecret: master, clientRandom: clientRandom, serverRandom: random, suite: suite)
      ciphers[0] = [TLSRecordCipher(key: keys.client.key, iv: keys.client.iv, suite: suite, isTLS13: false)]
      ciphers[1] = [TLSRecordCipher(key: keys.server.key, iv: keys.server.iv, suite: suite, isTLS13: false)]
    }
    return .clear
  }

  /// Reads whole decrypted handshake messages: EncryptedExtensions for ALPN, KeyUpdate for the next key.
  private func handshakeMessages(_ content: [UInt8], side: Int, suite: TLSCipherSuite) {
    handshake[side] += content
    while handshake[side].count >= 4 {
      let b = handshake[side]
      let length = Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
      guard b.count >= 4 + length else { return }
      let message = Array(b[4..<(4 + length)])
      handshake[side].removeFirst(4 + length)
      if b[0] == 8, let chosen = Self.alpn(inExtensionsOf: message, from: 0) { alpn = chosen }
      if b[0] == 24, isTLS13 {
        let next = TLSKeySchedule.nextTrafficSecret(ciphers[side][current[side]].secret, suite: suite)
        ciphers[side].insert(TLSRecordCipher(tls13Secret: next, suite: suite), at: current[side] + 1)
      }
    }
  }

  /// The protocol in an `application_layer_protocol_negotiation` extension of the extensions block at `start`.
  static func alpn(inExtensionsOf b: [UInt8], from start: Int) -> String? {
    guard start + 2 <= b.count else { return nil }
    let end = min(b.count, start + 2 + (Int(b[start]) << 8 | Int(b[start + 1])))
    var i = start + 2
    while i + 4 <= end {
      let type = Int(b[i]) << 8 | Int(b[i + 1]), length = Int(b[i + 2]) << 8 | Int(b[i + 3])
      if type == 16, length >= 3, i + 7 <= end {
        let nameLength = Int(b[i + 6])
        guard i + 7 + nameLength <= end else { return nil }
        return String(decoding: b[(i + 7)..<(i + 7 + nameLength)], as: UTF8.self)
      }
      i += 4 + length
    }
    return nil
  }

  private static let helloRetryRandom: [UInt8] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
  ]
}
