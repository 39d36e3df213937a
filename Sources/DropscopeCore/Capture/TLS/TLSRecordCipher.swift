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
    let explicitNonce = !isTLS13 && suite.cipher != .chaCha20Poly1305
    let sealedStart = explicitNonce ? 8 : 0
    guard body.count >= sealedStart + 16 else { return nil }
    let sealed = body.count - sealedStart
    // The record's sequence number, big-endian: XORed into the nonce, and TLS 1.2's additional data begins with it.
    let number = sequence
    func sequenceByte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: number >> (56 - 8 * UInt64(i))) }
    // The sealed box as swift-crypto takes it whole (nonce, ciphertext, tag), built in one allocation.
    let combined = [UInt8](unsafeUninitializedCapacity: 12 + sealed) { out, initialized in
      for i in 0..<4 { out[i] = iv[i] }
      for i in 0..<8 { out[4 + i] = explicitNonce ? body[i] : iv[4 + i] ^ sequenceByte(i) }
      body.withUnsafeBufferPointer { (out.baseAddress! + 12).initialize(from: $0.baseAddress! + sealedStart, count: sealed) }
      initialized = 12 + sealed
    }
    // The additional data: TLS 1.3's record header; TLS 1.2's sequence number and header with the plaintext's length.
    // At most 13 bytes, which a `Data` holds inline.
    let length = isTLS13 ? body.count : sealed - 16
    var additional = Data()
    if !isTLS13 { for i in 0..<8 { additional.append(sequenceByte(i)) } }
    for byte in [type, UInt8(version >> 8), UInt8(version & 0xff), UInt8(length >> 8), UInt8(length & 0xff)] {
      additional.append(byte)
    }
    let plain: Data
    do {
      switch suite.cipher {
      case .aes128GCM, .aes256GCM:
        plain = try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key, authenticating: additional)
      case .chaCha20Poly1305:
        plain = try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: combined), using: key, authenticating: additional)
      }
    } catch {
      return nil
    }
    sequence += 1
    return plain.withUnsafeBytes { bytes -> (type: UInt8, content: [UInt8])? in
      guard isTLS13 else { return (type, Array(bytes)) }
      // TLSInnerPlaintext: content, the real type, zero padding.
      var last = bytes.count - 1
      while last >= 0, bytes[last] == 0 { last -= 1 }
      guard last >= 0 else { return nil }
      return (bytes[last], Array(UnsafeRawBufferPointer(rebasing: bytes[0..<last])))
    }
  }
}
