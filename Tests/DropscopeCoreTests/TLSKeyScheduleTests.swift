import Crypto
import Foundation
import Testing

@testable import DropscopeCore

/// HKDF-Expand-Label on swift-crypto's HMAC gives the bytes of swift-crypto's own `HKDF.expand`, for both hashes
/// and for lengths of one block, less, and several blocks.
@Suite struct TLSKeyScheduleTests {
  @Test(arguments: [1, 12, 16, 32, 48, 64, 100])
  func expandLabelMatchesHKDF(length: Int) {
    let secret = (0..<48).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    let context: [UInt8] = [0xde, 0xad, 0xbe, 0xef]
    let label = Array("tls13 traffic upd".utf8)
    let info = [UInt8(length >> 8), UInt8(length & 0xff), UInt8(label.count)] + label + [UInt8(context.count)] + context
    let key = SymmetricKey(data: secret)
    let sha256 = HKDF<SHA256>.expand(pseudoRandomKey: key, info: info, outputByteCount: length).withUnsafeBytes { Array($0) }
    let sha384 = HKDF<SHA384>.expand(pseudoRandomKey: key, info: info, outputByteCount: length).withUnsafeBytes { Array($0) }
    #expect(TLSKeySchedule.expandLabel(secret, "traffic upd", context: context, length: length, hash: .sha256) == sha256)
    #expect(TLSKeySchedule.expandLabel(secret, "traffic upd", context: context, length: length, hash: .sha384) == sha384)
  }
}
