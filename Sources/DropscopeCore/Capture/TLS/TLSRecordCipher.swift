import CNettle

/// One direction's record protection under one key: opens records in sequence (RFC 8446 §5.2–5.3 for TLS 1.3,
/// RFC 5288 and RFC 7905 for TLS 1.2).
///
/// The AEAD is Nettle's (`CNettle`), called on the record's bytes where they lie; swift-crypto's `AES.GCM.open`
/// copied them into `Data` and built a context on the heap for every record, and on a streamed response's small
/// records that was most of the cost of decrypting.
struct TLSRecordCipher {
  let suite: TLSCipherSuite
  let isTLS13: Bool
  /// The traffic secret (TLS 1.3), for the key that follows a KeyUpdate.
  let secret: [UInt8]
  private let key: [UInt8]
  private let cipherCode: Int32
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
    self.key = key
    switch suite.cipher {
    case .aes128GCM: cipherCode = Int32(DROPSCOPE_AES128_GCM)
    case .aes256GCM: cipherCode = Int32(DROPSCOPE_AES256_GCM)
    case .chaCha20Poly1305: cipherCode = Int32(DROPSCOPE_CHACHA20_POLY1305)
    }
    self.iv = iv
  }

  /// Opens one record (its 5-byte header's type and version, and its body); nil when it does not verify.
  /// TLS 1.3: the inner content type and the content, padding removed. TLS 1.2: the outer type and the content.
  mutating func open(type: UInt8, version: UInt16, body: [UInt8]) -> (type: UInt8, content: [UInt8])? {
    let explicitNonce = !isTLS13 && suite.cipher != .chaCha20Poly1305
    let sealedStart = explicitNonce ? 8 : 0
    // Nettle reads the suite's key length and 12 nonce bytes: keys and IVs of other lengths never verify.
    guard body.count >= sealedStart + 16, key.count == suite.keyLength,
      iv.count == 12 || explicitNonce && iv.count == 4 else { return nil }
    let length = body.count - sealedStart - 16
    // The record's sequence number, big-endian: XORed into the nonce, and TLS 1.2's additional data begins with it.
    let number = sequence
    func sequenceByte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: number >> (56 - 8 * UInt64(i))) }
    // The nonce: TLS 1.2 AES-GCM's 4-byte salt and the record's explicit 8 bytes; else the IV XOR the sequence number.
    var nonce = (UInt64(0), UInt32(0))
    // The additional data: TLS 1.3's record header; TLS 1.2's sequence number and header with the plaintext's length.
    var additional = (UInt64(0), UInt64(0))
    let additionalLength = isTLS13 ? 5 : 13
    let headerLength = isTLS13 ? body.count : length
    var content = [UInt8](unsafeUninitializedCapacity: length) { _, initialized in initialized = length }
    let verified = withUnsafeMutableBytes(of: &nonce) { nonce in
      for i in 0..<4 { nonce[i] = iv[i] }
      for i in 0..<8 { nonce[4 + i] = explicitNonce ? body[i] : iv[4 + i] ^ sequenceByte(i) }
      return withUnsafeMutableBytes(of: &additional) { additional in
        var at = 0
        if !isTLS13 {
          for i in 0..<8 { additional[i] = sequenceByte(i) }
          at = 8
        }
        additional[at] = type
        additional[at + 1] = UInt8(version >> 8)
        additional[at + 2] = UInt8(version & 0xff)
        additional[at + 3] = UInt8(truncatingIfNeeded: headerLength >> 8)
        additional[at + 4] = UInt8(truncatingIfNeeded: headerLength)
        return body.withUnsafeBufferPointer { sealed in
          content.withUnsafeMutableBufferPointer { plain in
            key.withUnsafeBufferPointer { key in
              // An empty record has no plain-text buffer, and nothing is written to the one it is given.
              dropscope_aead_open(
                cipherCode, key.baseAddress!, nonce.baseAddress!.assumingMemoryBound(to: UInt8.self),
                additional.baseAddress!.assumingMemoryBound(to: UInt8.self), additionalLength,
                sealed.baseAddress! + sealedStart, length, sealed.baseAddress! + sealedStart + length,
                plain.baseAddress ?? UnsafeMutablePointer(mutating: sealed.baseAddress!)) == 1
            }
          }
        }
      }
    }
    guard verified else { return nil }
    sequence += 1
    guard isTLS13 else { return (type, content) }
    // TLSInnerPlaintext: content, the real type, zero padding.
    guard let last = content.lastIndex(where: { $0 != 0 }) else { return nil }
    let inner = content[last]
    content.removeSubrange(last...)
    return (inner, content)
  }
}
