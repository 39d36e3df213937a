import CByteSearch
import CZlib
import Foundation
import Testing

@testable import DropscopeCore

/// The folded CRC-32 agrees with zlib's on every length and alignment, and a gzip member whose trailer does not
/// match what it decodes to is reported as damage, as zlib would report it.
@Suite struct GzipChecksumTests {
  @Test func theFoldedCRCAgreesWithZlib() {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes.withUnsafeBytes { buffer in
      for length in [0, 1, 15, 16, 63, 64, 65, 127, 128, 200, 1000, 4093, 4999] {
        for offset in [0, 1, 7] where offset + length <= buffer.count {
          let slice = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)])
          let zlib = UInt32(crc32_z(0, slice.baseAddress?.assumingMemoryBound(to: Bytef.self), length))
          #expect(dropscope_crc32(0, slice.baseAddress, length) == zlib, "length \(length) at offset \(offset)")
          // Continued from a running value, as the inflater feeds it block by block.
          let half = length / 2
          let first = dropscope_crc32(0, slice.baseAddress, half)
          #expect(dropscope_crc32(first, slice.baseAddress.map { $0 + half }, length - half) == zlib)
        }
      }
    }
  }

  @Test func aMemberWhoseChecksumDoesNotMatchIsDamage() throws {
    let text = String(repeating: "2026-11-22 10:00:00,000 INFO app: a line of the log\n", count: 2000)
    var gzip = Data(TestSupport.gzip(Array(text.utf8)))
    gzip[gzip.count - 8] ^= 0xff  // the CRC-32 in the trailer
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("crc-\(UUID().uuidString).log.gz")
    try gzip.write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let report = TestSupport.analyze([url], relativeTo: url.deletingLastPathComponent())
    #expect(report.warnings.contains { $0.message.contains("incorrect data check") })
  }

  @Test func anIntactMemberIsNotDamage() throws {
    let text = String(repeating: "2026-11-22 10:00:00,000 INFO app: a line of the log\n", count: 2000)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ok-\(UUID().uuidString).log.gz")
    try Data(TestSupport.gzip(Array(text.utf8))).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let report = TestSupport.analyze([url], relativeTo: url.deletingLastPathComponent())
    #expect(!report.warnings.contains { $0.message.contains("gzip") })
  }
}
