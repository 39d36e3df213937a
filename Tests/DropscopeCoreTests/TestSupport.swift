import CZlib
import Foundation
import XCTest

@testable import DropscopeCore

/// Paths and helpers shared by the tests.
enum TestSupport {
  /// The package root, found from this file's path.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let sampleLogs = root.appendingPathComponent("SampleLogs")
  static let fixtures = root.appendingPathComponent("Tests/DropscopeCoreTests/Fixtures")

  /// The `dropscope` executable the test target was built with (beside the test bundle).
  static func dropscopeBinary() throws -> URL {
    let bundle = Bundle(for: Marker.self).bundleURL
    let candidates = [bundle.appendingPathComponent("dropscope"), bundle.deletingLastPathComponent().appendingPathComponent("dropscope")]
    return try XCTUnwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "dropscope binary not built")
  }

  /// python3, or nil where it is not installed.
  static var python: URL? {
    ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
      .map(URL.init(fileURLWithPath:))
  }

  /// Runs a program from the package root; returns its exit status, standard output and standard error.
  /// `environment` is added to this process's own.
  static func run(_ executable: URL, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws
    -> (status: Int32, stdout: String, stderr: String)
  {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    process.currentDirectoryURL = root
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }

  /// A class for finding the test bundle.
  private final class Marker {}

  /// A fresh temporary folder, removed by the caller's teardown.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dropscope-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Compresses bytes into one gzip member with zlib.
  static func gzip(_ bytes: [UInt8]) -> [UInt8] {
    let stream = z_stream()
    let stream_ = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream_.initialize(to: stream)
    defer { deflateEnd(stream_); stream_.deallocate() }
    precondition(deflateInit2_(stream_, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                               Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    var output = [UInt8](repeating: 0, count: Int(deflateBound(stream_, uLong(bytes.count))) + 64)
    var input = bytes
    let written: Int = input.withUnsafeMutableBufferPointer { inBuf in
      output.withUnsafeMutableBufferPointer { outBuf in
        stream_.pointee.next_in = inBuf.baseAddress
        stream_.pointee.avail_in = uInt(inBuf.count)
        stream_.pointee.next_out = outBuf.baseAddress
        stream_.pointee.avail_out = uInt(outBuf.count)
        precondition(deflate(stream_, Z_FINISH) == Z_STREAM_END)
        return outBuf.count - Int(stream_.pointee.avail_out)
      }
    }
    _ = stream
    return Array(output[0..<written])
  }

  /// Analyzes files, naming them relative to `base`.
  static func analyze(_ urls: [URL], relativeTo base: URL) -> Report {
    let inputs = urls.map { url in
      AnalysisInput(path: url.path, displayName: String(url.path.dropFirst(base.path.count + 1)))
    }
    return Analyzer().analyze(inputs)
  }

  /// Analyzes log text given in the test.
  static func analyze(text: String, name: String = "app.log") throws -> Report {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return analyze([url], relativeTo: directory)
  }
}
