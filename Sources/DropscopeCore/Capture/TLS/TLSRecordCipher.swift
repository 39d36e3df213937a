import Crypto
import Foundation

/// One direction's record protection under one key: opens records in sequence (RFC 8446 §5.2–5.3 for TLS 1.3,
/// RFC 5288 and RFC 7905 for TLS 1.2).
struct TLSRecordCipher {
  let suite: TLSCipherSuite
  let isTLS13: Bool
  /// The traffic secret (TLS 1.3), for the key that follows a KeyUpdate.
  let secret: [UInt8]
  private let key: SymmetricKey
  private let iv: [UInt8]
  /// The sequence number of the next record.
  private(set) var sequence: UInt64 = 0

  /// A TLS 1.3 traffic secret's cipher.
  init(tls13Secret secret: [UInt8], suite: TLSCipherSuite) {
    let keys = TLSKeySchedule.trafficKeys(secret: secret, suite: suite)
    self.init(key: keys.key, iv: keys.iv, suite: suite, isTLS13: true, secret: secret)
  }

  init(key: [UInt8], iv: [UInt8], suite: TLSCipherSuite, isTLS13: Bool, secret: [UInt8] = []) {
    self.suite = suite
    self.isTLS13 = isTLS13
    self.secret = secret
    self.key = SymmetricKey(data: key)
    self.iv = iv
  }

  /// Opens one record (its 5-byte header's type and version, and its body); nil when it does not verify.
  /// TLS 1.3: the inner content type and the content, padding removed. TLS 1.2: the outer type and the content.
  mutating func open(type: UInt8, version: UInt16, body: [UInt8]) -> (type: UInt8, content: [UInt8])? {
    var nonce = [UInt8](repeating: 0, count: 12)
    var ciphertext = body[...]
    if !isTLS13, suite.cipher != .chaCha20Poly1305 {
      guard body.count >= 8 + 16 else { return nil }
      nonce = iv + body[0..<8]
      ciphertext = body[8...]
    } else {
      nonce = iv
      for i in 0..<8 { nonce[4 + i] ^= UInt8(truncatingIfNeeded: sequence >> (56 - 8 * UInt64(i))) }
    }
    guard ciphertext.count >= 16 else { return nil }
    let tag = ciphertext.suffix(16)
    let sealed = ciphertext.dropLast(16)
    var aad: [UInt8]
    if isTLS13 {
      aad = [type, UInt8(version >> 8), UInt8(version & 0xff), UInt8(body.count >> 8), UInt8(body.count & 0xff)]
    } else {
      aad = (0..<8).map { UInt8(truncatingIfNeeded: sequence >> (56 - 8 * UInt64($0))) }
      aad += [type, UInt8(version >> 8), UInt8(version & 0xff), UInt8(sealed.count >> 8), UInt8(sealed.count & 0xff)]
    }
    let plain: Data
    do {
      switch suite.cipher {
      case .aes128GCM, .aes256GCM:
        let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: sealed, tag: tag)
        plain = try AES.GCM.open(box, using: key, authenticating: aad)
      case .chaCha20Poly1305:
        let box = try ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: sealed, tag: tag)
        plain = try ChaChaPoly.open(box, using: key, authenticating: aad)
      }
    } catch {
      return nil
    }
    sequence += 1
    guard isTLS13 else { return (type, Array(plain)) }
    // TLSInnerPlaintext: content, the real type, zero padding.
    guard let last = plain.lastIndex(where: { $0 != 0 }) else { return nil }
    return (plain[last], Array(plain[plain.startIndex..<last]))
  }
}
