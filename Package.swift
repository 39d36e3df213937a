// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "dropscope",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "dropscope", targets: ["dropscope"]),
    .library(name: "DropscopeCore", targets: ["DropscopeCore"]),
    .executable(name: "dropscope-fuzz", targets: ["DropscopeFuzz"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    // Nettle's AEAD ciphers open TLS records: its contexts keep a key expanded across records (swift-crypto's API
    // expands it for every call; swift-crypto still derives the keys).
    .systemLibrary(
      name: "CNettle",
      pkgConfig: "nettle",
      providers: [.apt(["nettle-dev"])]
    ),
    .target(name: "CByteSearch", linkerSettings: [.linkedLibrary("z")]),
    .target(
      name: "DropscopeCore",
      dependencies: ["CZlib", "CByteSearch", "CNettle", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
    ),
    .executableTarget(
      name: "dropscope",
      dependencies: [
        "DropscopeCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Fuzz targets (Tools/fuzz/run.py builds them with libFuzzer); without it, a replay of inputs through them.
    .executableTarget(name: "DropscopeFuzz", dependencies: ["DropscopeCore"], path: "Fuzz"),
    .testTarget(
      name: "DropscopeCoreTests",
      dependencies: ["DropscopeCore", "CZlib", "dropscope", "DropscopeFuzz", .product(name: "Crypto", package: "swift-crypto")],
      exclude: ["FuzzRegressions"],
      resources: [.copy("Fixtures")]
    ),
  ]
)
