#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if DROPSCOPE_FUZZ
/// The target this fuzzing process runs, from `DROPSCOPE_FUZZ_TARGET`.
nonisolated(unsafe) private var target = FuzzTarget.log

/// libFuzzer's start: picks the target named by `DROPSCOPE_FUZZ_TARGET`.
@_cdecl("LLVMFuzzerInitialize")
func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutableRawPointer) -> Int32 {
  guard let name = getenv("DROPSCOPE_FUZZ_TARGET").map({ String(cString: $0) }), let chosen = FuzzTarget(rawValue: name)
  else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    FuzzTarget.printError("dropscope-fuzz: set DROPSCOPE_FUZZ_TARGET to one of: \(names)")
    exit(64)
  }
  target = chosen
  return 0
}

/// libFuzzer's entry: one input through the chosen target.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  target.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
  return 0
}
#else
/// Without libFuzzer: runs files through a target, `dropscope-fuzz <target> <file>...`, to replay what a fuzzer found.
@main
struct DropscopeFuzz {
  static func main() {
    let arguments = CommandLine.arguments.dropFirst()
    guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
      let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
      FuzzTarget.printError("usage: dropscope-fuzz <\(names)> <file>...")
      exit(64)
    }
    for path in arguments.dropFirst() {
      guard let bytes = FuzzTarget.contents(of: path) else {
        FuzzTarget.printError("dropscope-fuzz: cannot read \(path)")
        exit(66)
      }
      let report = bytes.withUnsafeBytes { target.run($0) }
      print("\(path): ok, \(bytes.count) bytes in, \(report.utf8.count) bytes of report")
    }
  }
}
#endif
