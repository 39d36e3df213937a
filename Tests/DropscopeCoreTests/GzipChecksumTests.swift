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

/// A file cut inside a traceback: what the application saw is in the missing part, so it is not claimed.
@Suite struct CutTracebackTests {
  @Test func aTracebackCutByADamagedFileClaimsNeitherItsSurfaceNorALeak() throws {
    let log = """
      2026-11-22 10:00:00,000 INFO [worker_0] httpx2: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 DEBUG [worker_0] app: event content_block_delta
      2026-11-22 10:00:00,200 DEBUG [worker_0] app: event content_block_delta
      2026-11-22 10:00:00,300 ERROR [worker_0] app: stream failed
      Traceback (most recent call last):
        File "/srv/app/.venv/lib/python3.11/site-packages/httpcore2/_sync/http11.py", line 212, in _receive_event
          raise RemoteProtocolError(msg)
      httpcore2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)

      The above exception was the direct cause of the following exception:

      Traceback (most recent call last):
        File "/srv/app/.venv/lib/python3.11/site-packages/anthropic/_streaming.py", line 88, in __stream__
          for sse in iterator:
      httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)

      """
    let whole = TestSupport.gzip(Array(log.utf8))
    // The compressed bytes that decode to the first part of the traceback, and no further.
    let cutAt = try #require(log.range(of: "The above exception")).lowerBound.utf16Offset(in: log)
    var cut = whole
    for length in stride(from: 30, to: whole.count, by: 1) {
      cut = Array(whole.prefix(length))
      var decoded: [UInt8] = []
      var inflater = GzipInflater(outputCapacity: 1 << 16)
      cut.withUnsafeBytes { _ = inflater.feed($0) { decoded += $0 } }
      if decoded.count > cutAt - 40 { break }
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, bytes) in [("whole.log.gz", whole), ("cut.log.gz", cut)] {
      try Data(bytes).write(to: directory.appendingPathComponent(name))
    }
    let intact = TestSupport.analyze([directory.appendingPathComponent("whole.log.gz")], relativeTo: directory)
    #expect(intact.streams.first?.findings.contains(.unwrappedExceptionLeak) == true, "whole, the raw error escaped")
    let damaged = TestSupport.analyze([directory.appendingPathComponent("cut.log.gz")], relativeTo: directory)
    let stream = try #require(damaged.streams.first { $0.outcome == .failed })
    #expect(stream.surfacedAs?.hasPrefix("not known") == true, "\(stream.surfacedAs ?? "nil")")
    #expect(!stream.findings.contains(.unwrappedExceptionLeak))
    #expect(damaged.warnings.contains { $0.message.contains("truncated gzip") })
  }
}
