import Crypto
import Foundation

/// The key derivations of TLS 1.3 (HKDF-Expand-Label, RFC 8446 §7.1) and TLS 1.2 (the PRF, RFC 5246 §5).
enum TLSKeySchedule {
  /// HKDF-Expand-Label(secret, label, context, length) with the `tls13 ` prefix.
  static func expandLabel(_ secret: [UInt8], _ label: String, context: [UInt8] = [], length: Int,
                          hash: TLSCipherSuite.Hash) -> [UInt8] {
    expandLabel(SymmetricKey(data: secret), label, context: context, length: length, hash: hash)
  }

  private static func expandLabel(_ secret: SymmetricKey, _ label: String, context: [UInt8] = [], length: Int,
                                  hash: TLSCipherSuite.Hash) -> [UInt8] {
    let fullLabel = Array("tls13 \(label)".utf8)
    var info: [UInt8] = [UInt8(length >> 8), UInt8(length & 0xff), UInt8(fullLabel.count)]
    info += fullLabel
    info.append(UInt8(context.count))
    info += context
    switch hash {
    case .sha256: return expand(SHA256.self, secret, info: info, length: length)
    case .sha384: return expand(SHA384.self, secret, info: info, length: length)
    }
  }

  /// HKDF-Expand (RFC 5869 §2.3) on swift-crypto's HMAC: T(i) = HMAC(PRK, T(i-1) | info | i). The same bytes as
  /// `HKDF.expand`, without its wrapping around every block (a session's keys were a tenth of decrypting).
  private static func expand<H: HashFunction>(_: H.Type, _ key: SymmetricKey, info: [UInt8], length: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(length + H.Digest.byteCount)
    var previous: [UInt8] = []
    var counter: UInt8 = 1
    while out.count < length {
      var mac = HMAC<H>(key: key)
      mac.update(data: previous)
      mac.update(data: info)
      mac.update(data: [counter])
      previous = Array(mac.finalize())
      out += previous
      counter &+= 1
    }
    return Array(out.prefix(length))
  }

  /// A TLS 1.3 traffic secret's write key and IV.
  static func trafficKeys(secret: [UInt8], suite: TLSCipherSuite) -> (key: [UInt8], iv: [UInt8]) {
    let key = SymmetricKey(data: secret)
    return (expandLabel(key, "key", length: suite.keyLength, hash: suite.hash),
            expandLabel(key, "iv", length: 12, hash: suite.hash))
  }

  /// The traffic secret after a KeyUpdate (RFC 8446 §7.2).
  static func nextTrafficSecret(_ secret: [UInt8], suite: TLSCipherSuite) -> [UInt8] {
    expandLabel(secret, "traffic upd", length: suite.hashLength, hash: suite.hash)
  }

  /// TLS 1.2's PRF: P_hash(secret, label + seed), `length` bytes.
  static func prf(secret: [UInt8], label: String, seed: [UInt8], length: Int, hash: TLSCipherSuite.Hash) -> [UInt8] {
    switch hash {
    case .sha256: return pHash(SHA256.self, secret: secret, seed: Array(label.utf8) + seed, length: length)
    case .sha384: return pHash(SHA384.self, secret: secret, seed: Array(label.utf8) + seed, length: length)
    }
  }

  private static func pHash<H: HashFunction>(_: H.Type, secret: [UInt8], seed: [UInt8], length: Int) -> [UInt8] {
    let key = SymmetricKey(data: secret)
    var out: [UInt8] = []
    var a = seed
    while out.count < length {
      a = Array(HMAC<H>.authenticationCode(for: a, using: key))
      out += Array(HMAC<H>.authenticationCode(for: a + seed, using: key))
    }
    return Array(out.prefix(length))
  }

  /// TLS 1.2's write keys and IVs from the master secret (`key expansion`; the AEAD suites have no MAC keys).
  static func tls12Keys(masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8], suite: TLSCipherSuite)
    -> (client: (key: [UInt8], iv: [UInt8]), server: (key: [UInt8], iv: [UInt8]))
  {
    let k = suite.keyLength, v = suite.tls12IVLength
    let block = prf(secret: masterSecret, label: "key expansion", seed: serverRandom + clientRandom,
                    length: 2 * k + 2 * v, hash: suite.hash)
    return ((Array(block[0..<k]), Array(block[(2 * k)..<(2 * k + v)])),
            (Array(block[k..<(2 * k)]), Array(block[(2 * k + v)..<(2 * k + 2 * v)])))
  }
}
