import Foundation
@testable import GuardlineDetectors
import XCTest

/// The ELF64 dynamic-section reader that decides whether a plugin may be
/// unloaded, over the real libraries SwiftPM built and over damaged copies.
final class ELFDynamicSectionTests: XCTestCase {
    typealias Support = NativePluginTestSupport

    private func bytes(of product: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try Support.library(product))))
    }

    private func compiledKeywordPlugin(flags: [String] = []) throws -> [UInt8] {
        let directory = try Support.privateDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try CPluginCompiler.build(fixture: "ExampleKeywordPlugin", source: "example_keyword_plugin.c",
                                             into: directory, flags: flags)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func test_parse_readsACLibrarysNeededListWithoutTheSwiftRuntime() throws {
        let library = try compiledKeywordPlugin()
        let dynamic = try ELFDynamicSection.parse(library).get()
        XCTAssertTrue(dynamic.needed.contains("libc.so.6"), "\(dynamic.needed)")
        XCTAssertFalse(dynamic.isSwift)
        XCTAssertFalse(dynamic.hasSwiftMetadata)
        XCTAssertFalse(dynamic.noDelete)
        XCTAssertEqual(PluginUnloading.decide(forLibrary: library), .whenUnused)
    }

    func test_parse_readsTheNoDeleteFlag() throws {
        let library = try compiledKeywordPlugin(flags: ["-Wl,-z,nodelete"])
        XCTAssertTrue(try ELFDynamicSection.parse(library).get().noDelete)
        XCTAssertEqual(PluginUnloading.decide(forLibrary: library), .neverNoDelete)
    }

    func test_parse_seesTheSwiftRuntimeThatSwiftPMLinksIntoACProduct() throws {
        let dynamic = try ELFDynamicSection.parse(bytes(of: "ExampleKeywordPlugin")).get()
        XCTAssertTrue(dynamic.needed.contains("libswiftCore.so"), "\(dynamic.needed)")
        XCTAssertTrue(dynamic.isSwift)
    }

    func test_parse_findsTheSwiftRuntimeAndMetadataInASwiftLibrary() throws {
        let dynamic = try ELFDynamicSection.parse(bytes(of: "ExampleEntropyPlugin")).get()
        XCTAssertTrue(dynamic.needed.contains("libswiftCore.so"), "\(dynamic.needed)")
        XCTAssertTrue(dynamic.hasSwiftMetadata)
        XCTAssertTrue(dynamic.isSwift)
        XCTAssertEqual(PluginUnloading.decide(forLibrary: try bytes(of: "ExampleEntropyPlugin")), .neverSwiftRuntime)
    }

    func test_parse_namesWhyItCannotReadAFile() {
        XCTAssertEqual(ELFDynamicSection.parse(Array("not an ELF file at all, but long enough to have a header of 64 bytes".utf8)),
                       .failure(ELFUnrecognised(reason: "not an ELF file")))
        var thirtyTwoBit = [UInt8](repeating: 0, count: 64)
        thirtyTwoBit[0...5] = [0x7f, 0x45, 0x4c, 0x46, 1, 1]
        XCTAssertEqual(ELFDynamicSection.parse(thirtyTwoBit),
                       .failure(ELFUnrecognised(reason: "not ELF64 little-endian (class 1, data 1)")))
        XCTAssertEqual(PluginUnloading.decide(forLibrary: thirtyTwoBit),
                       .neverUnrecognised(reason: "not ELF64 little-endian (class 1, data 1)"))
    }

    func test_parse_ofTruncatedOrCorruptedLibraries_neverTrapsAndNeverClaimsUnloadableWithoutADynamicSection() throws {
        let original = try compiledKeywordPlugin()
        for length in stride(from: 0, to: min(original.count, 16_384), by: 7) {
            if case .success(let dynamic) = ELFDynamicSection.parse(Array(original.prefix(length))) {
                XCTAssertFalse(dynamic.needed.isEmpty, "a truncated file that parses still names its libraries")
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var damaged = Array(original.prefix(4_096))
            for _ in 0..<8 { damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            _ = ELFDynamicSection.parse(damaged)
        }
    }
}
