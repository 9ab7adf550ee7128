extension PluginTemplates {
    static let swiftPackage = #"""
        // swift-tools-version: 6.0
        // The __NAME__ Guardline native detector plugin: `swift build -c release`
        // builds .build/release/lib__MODULE__.so. Depends on nothing but the ABI
        // header, copied into Sources/GuardlinePluginABI.
        import PackageDescription

        let package = Package(
            name: "__MODULE__",
            products: [
                .library(name: "__MODULE__", type: .dynamic, targets: ["__MODULE__"]),
            ],
            targets: [
                .target(name: "GuardlinePluginABI"),
                .target(name: "__MODULE__", dependencies: ["GuardlinePluginABI"]),
            ]
        )

        """#

    static let swiftABISource = #"""
        /* GuardlinePluginABI is header-only; SwiftPM needs one source file to build a C target. */
        #include "guardline_plugin.h"

        """#

    /// Based on `Tests/Fixtures/Plugins/ExampleEntropyPlugin/EntropyPlugin.swift`.
    static let swiftSource = #"""
        // __MODULE__: the __NAME__ Guardline native detector plugin (ABI 1.0), written
        // by `guardline plugin new __NAME__ --lang swift` from the shipped example
        // (Tests/Fixtures/Plugins/ExampleEntropyPlugin).
        //
        // As written it fires when the text or a tool call's arguments contain one
        // of `phrases` (ASCII case-insensitive); each further phrase adds 0.1.
        // Replace `phrases`, or `PhraseContext.score(_:)`, with your detection.
        // Config (JSON): {"score": 0.8}, optional, in (0, 1].
        //
        // How Swift meets the C ABI (guardline_plugin.h states the rules once):
        // - `@_cdecl("guardline_plugin_register")` exports the one symbol; the table
        //   is allocated once and never freed (the daemon never unloads a Swift plugin).
        // - Function pointers are non-capturing closures.
        // - A context is a retained Swift object passed as an opaque pointer; the
        //   labels, evidence and error strings it hands out live in the context
        //   until the next call on it.
        import GuardlinePluginABI
        #if canImport(Glibc)
        import Glibc
        #endif

        let phrases: [[UInt8]] = ["exfiltrate the database", "disable the audit log"].map { Array($0.lowercased().utf8) }

        final class PhraseContext {
            var score = 0.8
            let label: UnsafeMutablePointer<CChar> = strdup("__NAME__")
            let labels: UnsafeMutablePointer<UnsafePointer<CChar>?> = .allocate(capacity: 1)
            var evidence: [CChar] = [0]
            var lastError: [CChar] = [0]

            init() { labels.initialize(to: UnsafePointer(label)) }

            deinit {
                free(label)
                labels.deallocate()
            }

            /// Reads `{"score": x}`; returns the problem, or nil when the config is good.
            func configure(_ json: String) -> String? {
                let trimmed = json.drop { $0 == " " || $0 == "\n" }
                guard trimmed.first == "{" else { return "config: expected a JSON object" }
                let bytes = Array(json.utf8), key = Array("\"score\"".utf8)
                guard bytes.count >= key.count,
                      let at = (0...(bytes.count - key.count)).first(where: { bytes[$0..<($0 + key.count)].elementsEqual(key) }) else { return nil }
                let rest = bytes[(at + key.count)...].drop { $0 == 0x20 || $0 == 0x3A }
                let number = String(decoding: rest.prefix { ($0 >= 0x30 && $0 <= 0x39) || [0x2B, 0x2D, 0x2E, 0x45, 0x65].contains($0) }, as: UTF8.self)
                guard let value = Double(number), value > 0, value <= 1 else { return "config: \"score\" must be a number in (0, 1]" }
                score = value
                return nil
            }

            /// How many phrases occur in `field`, and a snippet around the first.
            func matches(_ field: gl_plugin_bytes) -> (count: Int, snippet: String) {
                guard let base = field.ptr, field.len > 0 else { return (0, "") }
                let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self), count: field.len)
                var count = 0
                var snippet = ""
                for phrase in phrases where phrase.count <= bytes.count {
                    for start in 0...(bytes.count - phrase.count) {
                        var index = 0
                        while index < phrase.count {
                            let byte = bytes[start + index]
                            guard (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == phrase[index] else { break }
                            index += 1
                        }
                        guard index == phrase.count else { continue }
                        if count == 0 { snippet = String(decoding: bytes[max(0, start - 20)..<min(bytes.count, start + 60)], as: UTF8.self) }
                        count += 1
                        break
                    }
                }
                return (count, snippet)
            }
        }

        // Immutable after first use and never freed: the daemon may read them from any thread.
        nonisolated(unsafe) private let pluginName = strdup("__NAME__")!
        nonisolated(unsafe) private let pluginVersion = strdup("0.1.0")!

        nonisolated(unsafe) private let table: UnsafeMutablePointer<gl_plugin_api> = {
            let api = UnsafeMutablePointer<gl_plugin_api>.allocate(capacity: 1)
            api.initialize(to: gl_plugin_api(
                abi_major: UInt32(GL_PLUGIN_ABI_MAJOR),
                abi_minor: UInt32(GL_PLUGIN_ABI_MINOR),
                struct_size: UInt32(MemoryLayout<gl_plugin_api>.size),
                name: UnsafePointer(pluginName),
                version: UnsafePointer(pluginVersion),
                init: { config, length, error, errorLength in
                    let json = config.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) } ?? "{}"
                    let context = PhraseContext()
                    if let problem = context.configure(json) {
                        if let error, errorLength > 0 { _ = problem.withCString { strncpy(error, $0, errorLength - 1) }; error[errorLength - 1] = 0 }
                        return nil
                    }
                    return Unmanaged.passRetained(context).toOpaque()
                },
                score: { raw, event, result in
                    guard let raw, let event, let result else { return 1 }
                    let context = Unmanaged<PhraseContext>.fromOpaque(raw).takeUnretainedValue()
                    var found = context.matches(event.pointee.text)
                    var location = "text"
                    if let calls = event.pointee.tool_calls {
                        for index in 0..<event.pointee.tool_call_count {
                            let more = context.matches(calls[index].arguments)
                            if found.count == 0 && more.count > 0 { found.snippet = more.snippet; location = "tool arguments" }
                            found.count += more.count
                        }
                    }
                    guard found.count > 0 else { return 0 }  // result is zero-filled: score 0
                    context.evidence = Array("\(location): \(found.snippet)".utf8CString)
                    result.pointee.score = min(1, context.score + 0.1 * Double(found.count - 1))
                    result.pointee.labels = UnsafePointer(context.labels)
                    result.pointee.label_count = 1
                    context.evidence.withUnsafeBufferPointer {
                        result.pointee.evidence = $0.baseAddress
                        result.pointee.evidence_len = $0.count - 1
                    }
                    return 0
                },
                last_error: { raw in
                    guard let raw else { return nil }
                    return Unmanaged<PhraseContext>.fromOpaque(raw).takeUnretainedValue().lastError.withUnsafeBufferPointer { $0.baseAddress }
                },
                destroy: { raw in
                    guard let raw else { return }
                    Unmanaged<PhraseContext>.fromOpaque(raw).release()
                }
            ))
            return api
        }()

        @_cdecl("guardline_plugin_register")
        public func guardlinePluginRegister() -> UnsafePointer<gl_plugin_api> {
            UnsafePointer(table)
        }

        """#
}
