// swift-tools-version: 6.0
import PackageDescription

// Targets mirror the architecture; dependencies point one way:
// CJSONShim/CVectorscan <- GuardlineProtocol <- GuardlineDetectors <- GuardlineEngine
// CWordFeatures (C, no dependencies) <- GuardlineDetectors
// CEpoll (C, no dependencies) <- GuardlineTransport
// GuardlineTransport (sockets only), GuardlineStore (SQLite only)
// all of them <- GuardlineDaemon <- guardline (the executable)
let package = Package(
    name: "guardline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "guardline", targets: ["guardline"]),
        // Native detector plugins built from Tests/Fixtures/Plugins and
        // loaded by the plugin tests through real dlopen.
        .library(name: "ExampleKeywordPlugin", type: .dynamic, targets: ["ExampleKeywordPlugin"]),
        .library(name: "ExampleEntropyPlugin", type: .dynamic, targets: ["ExampleEntropyPlugin"]),
        .library(name: "FixtureFutureABIPlugin", type: .dynamic, targets: ["FixtureFutureABIPlugin"]),
        .library(name: "FixtureConstantPlugin", type: .dynamic, targets: ["FixtureConstantPlugin"]),
        .library(name: "FixtureNewerMinorPlugin", type: .dynamic, targets: ["FixtureNewerMinorPlugin"]),
        .library(name: "FixtureShortTablePlugin", type: .dynamic, targets: ["FixtureShortTablePlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
    ],
    targets: [
        // simdjson behind a small C ABI: the only C++ in the package.
        .target(
            name: "CJSONShim",
            cxxSettings: [.unsafeFlags(["-O3", "-std=c++17"])],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        // Word-feature scoring for learned models (SSE2 byte classification).
        .target(name: "CWordFeatures", cSettings: [.unsafeFlags(["-O3"])]),
        // epoll and eventfd wrappers for GuardlineTransport's read loops.
        .target(name: "CEpoll"),
        // Vectorscan (Hyperscan API) from libvectorscan-dev.
        .systemLibrary(name: "CVectorscan", pkgConfig: "libhs", providers: [.apt(["libvectorscan-dev"])]),

        // The native detector plugin ABI: one header, no code.
        .target(name: "GuardlinePluginABI"),
        // The example plugin (a template for plugin authors) and test fixtures.
        .target(name: "ExampleKeywordPlugin", dependencies: ["GuardlinePluginABI"], path: "Tests/Fixtures/Plugins/ExampleKeywordPlugin", publicHeadersPath: "."),
        .target(name: "ExampleEntropyPlugin", dependencies: ["GuardlinePluginABI"], path: "Tests/Fixtures/Plugins/ExampleEntropyPlugin"),
        .target(name: "FixtureFutureABIPlugin", dependencies: ["GuardlinePluginABI"], path: "Tests/Fixtures/Plugins/FixtureFutureABIPlugin", publicHeadersPath: "."),
        .target(name: "FixtureConstantPlugin", dependencies: ["GuardlinePluginABI"], path: "Tests/Fixtures/Plugins/FixtureConstantPlugin", publicHeadersPath: "."),
        .target(name: "FixtureNewerMinorPlugin", dependencies: ["GuardlinePluginABI"], path: "Tests/Fixtures/Plugins/FixtureNewerMinorPlugin", publicHeadersPath: "."),
        .target(name: "FixtureShortTablePlugin", dependencies: ["GuardlinePluginABI"], path: "Tests/Fixtures/Plugins/FixtureShortTablePlugin", publicHeadersPath: "."),

        .target(name: "GuardlineProtocol", dependencies: ["CJSONShim"]),
        .target(name: "GuardlineTransport", dependencies: [
            "CEpoll",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "GuardlineDetectors", dependencies: [
            "GuardlineProtocol", "CVectorscan", "CWordFeatures", "GuardlinePluginABI",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "GuardlineEngine", dependencies: [
            "GuardlineProtocol", "GuardlineDetectors",
        ]),
        .target(name: "GuardlineStore", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "GuardlineDaemon", dependencies: [
            "GuardlineProtocol", "GuardlineTransport", "GuardlineDetectors", "GuardlineEngine", "GuardlineStore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .executableTarget(name: "guardline", dependencies: [
            "GuardlineDaemon", "GuardlineProtocol", "GuardlineStore", "GuardlineTransport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "GuardlineProtocolTests", dependencies: ["GuardlineProtocol"]),
        .testTarget(name: "GuardlineTransportTests", dependencies: ["GuardlineTransport"]),
        .testTarget(name: "GuardlineDetectorsTests", dependencies: ["GuardlineDetectors"], exclude: ["Fixtures"]),
        .testTarget(name: "GuardlineEngineTests", dependencies: ["GuardlineEngine"]),
        .testTarget(name: "GuardlineStoreTests", dependencies: ["GuardlineStore"]),
        .testTarget(name: "GuardlineDaemonTests", dependencies: ["GuardlineDaemon", "GuardlineTransport", "GuardlineStore", "guardline", .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Fixtures"]),
    ]
)

// Release builds drop Swift's dynamic exclusivity checks (the hot path touches
// per-worker class state on every event; the checks were ~2 % of the profile)
// and build -Ounchecked (no overflow or bounds traps). Debug builds and tests
// keep every check. Nothing with a side effect may sit inside precondition().
for target in package.targets where target.type != .system && target.name != "CJSONShim" {
    var settings = target.swiftSettings ?? []
    settings.append(.unsafeFlags(["-enforce-exclusivity=unchecked", "-Ounchecked"], .when(configuration: .release)))
    target.swiftSettings = settings
}
