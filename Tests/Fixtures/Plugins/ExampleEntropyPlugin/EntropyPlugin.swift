// ExampleEntropyPlugin — a native detector plugin written in Swift, and a
// template for writing one (the C template is ExampleKeywordPlugin).
//
// What it detects: high-entropy tokens (random-looking strings of 24–200
// characters mixing letters and digits) in the text and tool arguments —
// the shape of API keys, tokens and passwords that no regex list names.
// Config (JSON, all optional):
//   {"min_length": 24, "min_entropy": 4.0, "score": 0.7, "label": "high_entropy_secret"}
//
// How a Swift plugin meets the C ABI (guardline_plugin.h):
// - `@_cdecl("guardline_plugin_register")` exports the one symbol; it returns
//   a table allocated once and never freed (the daemon never unloads a Swift
//   plugin, and must not: the Swift runtime keeps pointers into it).
// - Function pointers are non-capturing closures (`@convention(c)`).
// - A context is a retained Swift object passed as an opaque pointer; the
//   labels, evidence and error strings it hands out live in the context
//   until the next call on it, as the header requires.
import GuardlinePluginABI
#if canImport(Glibc)
import Glibc
#endif

final class EntropyContext {
    var minLength = 24
    var minEntropy = 4.0
    var score = 0.7
    let label: UnsafeMutablePointer<CChar>
    let labels: UnsafeMutablePointer<UnsafePointer<CChar>?>
    var evidence: [CChar] = []
    var lastError: [CChar] = [0]

    init(label: String) {
        self.label = strdup(label)
        labels = .allocate(capacity: 1)
        labels.initialize(to: UnsafePointer(self.label))
    }

    deinit {
        free(label)
        labels.deallocate()
    }

    /// Shannon entropy in bits per byte of `token`.
    static func entropy(_ token: UnsafeBufferPointer<UInt8>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for byte in token { counts[Int(byte)] += 1 }
        let total = Double(token.count)
        var bits = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            bits -= p * log2(p)
        }
        return bits
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == 0x2B || b == 0x2F || b == 0x5F || b == 0x2D || b == 0x3D
    }

    /// The first high-entropy token in `field`, if any.
    func findToken(_ field: gl_plugin_bytes) -> UnsafeBufferPointer<UInt8>? {
        guard let base = field.ptr, field.len > 0 else { return nil }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self), count: field.len)
        var start = 0
        while start < bytes.count {
            while start < bytes.count && !Self.isTokenByte(bytes[start]) { start += 1 }
            var end = start
            var digits = false, letters = false
            while end < bytes.count && Self.isTokenByte(bytes[end]) {
                let b = bytes[end]
                if b >= 0x30 && b <= 0x39 { digits = true } else if (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A { letters = true }
                end += 1
            }
            let length = end - start
            if length >= minLength && length <= 200 && digits && letters {
                let token = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if Self.entropy(token) >= minEntropy { return token }
            }
            start = end
        }
        return nil
    }

    /// Evidence that never repeats the secret: its first 4 characters, its length and entropy.
    func setEvidence(_ token: UnsafeBufferPointer<UInt8>, where field: String) {
        let prefix = String(decoding: token.prefix(4), as: UTF8.self)
        let text = "\(prefix)… (\(token.count) chars, \(Int(Self.entropy(token) * 10) / 10) bits/char) in \(field)"
        evidence = Array(text.utf8CString)
    }

    /// A tiny reader for flat `{"key": number|string}` objects: enough for this config.
    static func pairs(_ json: String) -> [(String, String)] {
        String(json).trimmingCharacters(in: "{} \n").split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: ":", maxSplits: 1).map { String($0).trimmingCharacters(in: " \"\n") }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    func configure(_ json: String) -> String? {
        for (key, value) in Self.pairs(json) {
            let parts = [key, value]
            switch parts[0] {
            case "min_length": guard let v = Int(parts[1]), v >= 8 else { return "min_length must be an integer >= 8" }; minLength = v
            case "min_entropy": guard let v = Double(parts[1]), v > 0 else { return "min_entropy must be a positive number" }; minEntropy = v
            case "score": guard let v = Double(parts[1]), v > 0, v <= 1 else { return "score must be in (0, 1]" }; score = v
            case "label": break
            default: return "unknown config key '\(parts[0])'"
            }
        }
        return nil
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let drop = Set(set)
        var s = Substring(self)
        while let c = s.first, drop.contains(c) { s.removeFirst() }
        while let c = s.last, drop.contains(c) { s.removeLast() }
        return String(s)
    }
}

// Immutable after first use and never freed: the daemon may read them from any thread.
nonisolated(unsafe) private let pluginName = strdup("entropy-secrets")!
nonisolated(unsafe) private let pluginVersion = strdup("1.0.0")!

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
            let label = EntropyContext.pairs(json).first { $0.0 == "label" }?.1 ?? "high_entropy_secret"
            let context = EntropyContext(label: label)
            if let problem = context.configure(json) {
                if let error, errorLength > 0 { _ = problem.withCString { strncpy(error, $0, errorLength - 1) }; error[errorLength - 1] = 0 }
                return nil
            }
            return Unmanaged.passRetained(context).toOpaque()
        },
        score: { raw, event, result in
            guard let raw, let event, let result else { return 1 }
            let context = Unmanaged<EntropyContext>.fromOpaque(raw).takeUnretainedValue()
            var token = context.findToken(event.pointee.text)
            var field = "text"
            if token == nil, let calls = event.pointee.tool_calls {
                for index in 0..<event.pointee.tool_call_count {
                    if let found = context.findToken(calls[index].arguments) {
                        token = found
                        field = "tool_calls[\(index)].arguments"
                        break
                    }
                }
            }
            guard let token else { return 0 }  // result is zero-filled by the daemon: score 0
            context.setEvidence(token, where: field)
            result.pointee.score = context.score
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
            let context = Unmanaged<EntropyContext>.fromOpaque(raw).takeUnretainedValue()
            return context.lastError.withUnsafeBufferPointer { $0.baseAddress }
        },
        destroy: { raw in
            guard let raw else { return }
            Unmanaged<EntropyContext>.fromOpaque(raw).release()
        }
    ))
    return api
}()

@_cdecl("guardline_plugin_register")
public func guardlinePluginRegister() -> UnsafePointer<gl_plugin_api> {
    UnsafePointer(table)
}
