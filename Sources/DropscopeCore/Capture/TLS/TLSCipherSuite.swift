/// The AEAD cipher suites dropscope decrypts: TLS 1.3's three and TLS 1.2's AES-GCM and ChaCha20-Poly1305 ones.
struct TLSCipherSuite: Equatable {
  enum Cipher: Equatable { case aes128GCM, aes256GCM, chaCha20Poly1305 }
  enum Hash: Equatable { case sha256, sha384 }

  var code: UInt16
  var cipher: Cipher
  /// The hash of the key schedule (TLS 1.3) or the PRF (TLS 1.2).
  var hash: Hash

  var keyLength: Int { cipher == .aes128GCM ? 16 : 32 }
  var hashLength: Int { hash == .sha256 ? 32 : 48 }
  /// TLS 1.2's fixed IV: 4 bytes for AES-GCM (an 8-byte explicit nonce travels in each record), 12 for ChaCha20.
  var tls12IVLength: Int { cipher == .chaCha20Poly1305 ? 12 : 4 }

  /// The suite with this code, if dropscope can decrypt it.
  init?(code: UInt16) {
    self.code = code
    switch code {
    case 0x1301, 0x009C, 0x009E, 0xC02B, 0xC02F: (cipher, hash) = (.aes128GCM, .sha256)
    case 0x1302, 0x009D, 0x009F, 0xC02C, 0xC030: (cipher, hash) = (.aes256GCM, .sha384)
    case 0x1303, 0xCCA8, 0xCCA9, 0xCCAA: (cipher, hash) = (.chaCha20Poly1305, .sha256)
    default: return nil
    }
  }
}
