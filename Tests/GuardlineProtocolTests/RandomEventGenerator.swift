/// Builds random NDJSON event lines, byte by byte, for the differential test:
/// valid events with every field shape, wrong types, unknown nested fields,
/// every kind of string escape, varied whitespace, and random byte mutations.
struct RandomEventGenerator {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }

    private mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &random)! }

    // MARK: - Lines

    /// One line; `mutate` applies 1–3 random byte edits.
    mutating func line(mutate: Bool) -> [UInt8] {
        var out: [UInt8] = []
        writeEvent(into: &out)
        if mutate {
            for _ in 0..<Int.random(in: 1...3, using: &random) { mutateOnce(&out) }
        }
        return out
    }

    private mutating func mutateOnce(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let interesting: [UInt8] = Array(#"{}[]",:\ 019-.etnulfa"#.utf8) + [0x00, 0x09, 0x80, 0xBF, 0xC3, 0xED, 0xF0, 0xFF]
        let position = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: bytes[position] = pick(interesting)
        case 1: bytes.remove(at: position)
        case 2: bytes.insert(pick(interesting), at: position)
        default: bytes.removeSubrange(position...)
        }
    }

    // MARK: - Structure

    private mutating func space(_ out: inout [UInt8]) {
        if chance(0.15) { out += Array(pick([" ", "  ", "\t", " \r\n ", "\n"]).utf8) }
    }

    private mutating func writeEvent(into out: inout [UInt8]) {
        var fields: [(String, (inout [UInt8], inout RandomEventGenerator) -> Void)] = []
        let kind = Int.random(in: 0..<40, using: &random)
        if kind == 0 { fields.append(("type", { o, g in g.writeString(g.pick(["ping", "hello", "event", "pong", ""]), &o) })) }
        if kind == 1 { fields.append(("responses", { o, g in g.writeString(g.pick(["verdict", "none", "all"]), &o) })) }
        if kind == 2 { fields.append(("type", { o, g in g.writeAny(&o, depth: 2) })) }
        if kind == 3 { fields.append(("type", { o, g in g.writeString("event", &o) })) }
        if kind == 4 {
            fields.append(("type", { o, g in g.writeString("hello", &o) }))
            fields.append(("responses", { o, g in g.writeString(g.pick(["verdict", "none", "all"]), &o) }))
        }
        if !chance(0.01) { fields.append(("id", { o, g in g.stringOrWrong(&o) })) }
        if !chance(0.01) { fields.append(("account_id", { o, g in g.stringOrWrong(&o, allowEmpty: g.chance(0.05)) })) }
        if chance(0.5) { fields.append(("org_id", { o, g in g.stringOrWrong(&o) })) }
        if chance(0.5) { fields.append(("conversation_id", { o, g in g.stringOrWrong(&o) })) }
        if chance(0.7) { fields.append(("text", { o, g in g.stringOrWrong(&o) })) }
        if chance(0.5) {
            fields.append(("role", { o, g in
                g.chance(0.97) ? g.writeString(g.pick(["user", "assistant", "tool", "system", "user", "admin"]), &o) : g.writeAny(&o, depth: 1)
            }))
        }
        if chance(0.5) { fields.append(("ts", { o, g in g.writeTimestamp(&o) })) }
        if chance(0.3) { fields.append(("tool_calls", { o, g in g.writeToolCalls(&o) })) }
        if chance(0.4) { fields.append(("meta", { o, g in g.writeMeta(&o) })) }
        for index in 0..<Int.random(in: 0...2, using: &random) {
            fields.append(("x\(index)", { o, g in g.writeAny(&o, depth: 0) }))
        }
        fields.shuffle(using: &random)
        writeObject(fields, &out)
    }

    private mutating func writeObject(
        _ fields: [(String, (inout [UInt8], inout RandomEventGenerator) -> Void)], _ out: inout [UInt8]
    ) {
        space(&out)
        out.append(UInt8(ascii: "{"))
        for (index, (key, write)) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            space(&out)
            writeString(key, &out)
            space(&out)
            out.append(UInt8(ascii: ":"))
            space(&out)
            write(&out, &self)
            space(&out)
        }
        out.append(UInt8(ascii: "}"))
        space(&out)
    }

    private mutating func stringOrWrong(_ out: inout [UInt8], allowEmpty: Bool = false) {
        if chance(0.01) { return writeAny(&out, depth: 2) }
        if chance(0.02) { return out += Array("null".utf8) }
        writeString(randomText(allowEmpty: allowEmpty), &out)
    }

    private mutating func writeTimestamp(_ out: inout [UInt8]) {
        switch Int.random(in: 0..<12, using: &random) {
        case 0, 6, 7, 8: out += Array(String(Int.random(in: 0...2_000_000_000, using: &random)).utf8)
        case 1: out += Array("1764405282.25".utf8)
        case 2, 9, 10, 11: writeString(pick(["2026-11-29T08:34:42Z", "2026-11-29T08:34:42.5Z", "2026-11-29T10:34:42+02:00",
                                  "2024-02-29T23:59:59.125-01:30"]), &out)
        case 3: writeString(pick(["2026-11-29", "yesterday", "2026-02-30T00:00:00Z"]), &out)
        case 4: out += Array("null".utf8)
        default: writeAny(&out, depth: 2)
        }
    }

    private mutating func writeToolCalls(_ out: inout [UInt8]) {
        if chance(0.02) { return writeAny(&out, depth: 1) }
        out.append(UInt8(ascii: "["))
        for index in 0..<Int.random(in: 0...3, using: &random) {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if chance(0.02) {
                writeAny(&out, depth: 2)
                continue
            }
            var fields: [(String, (inout [UInt8], inout RandomEventGenerator) -> Void)] = []
            if !chance(0.02) { fields.append(("name", { o, g in g.stringOrWrong(&o) })) }
            if chance(0.8) {
                fields.append(("arguments", { o, g in
                    switch Int.random(in: 0..<4, using: &g.random) {
                    case 0: g.writeString(g.randomText(allowEmpty: true), &o)
                    case 1: g.writeAny(&o, depth: 2)
                    default: g.writeObject([("q", { o, g in g.writeAny(&o, depth: 3) })], &o)
                    }
                }))
            }
            if chance(0.2) { fields.append(("extra", { o, g in g.writeAny(&o, depth: 2) })) }
            writeObject(fields, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private mutating func writeMeta(_ out: inout [UInt8]) {
        if chance(0.02) { return writeAny(&out, depth: 1) }
        var fields: [(String, (inout [UInt8], inout RandomEventGenerator) -> Void)] = []
        if chance(0.6) {
            fields.append(("refusal", { o, g in g.chance(0.8) ? (o += Array(g.pick(["true", "false"]).utf8)) : g.writeAny(&o, depth: 2) }))
        }
        if chance(0.5) { fields.append(("lang", { o, g in g.writeAny(&o, depth: 1) })) }
        writeObject(fields, &out)
    }

    /// Any JSON value; deeper `depth` means smaller containers.
    mutating func writeAny(_ out: inout [UInt8], depth: Int) {
        switch Int.random(in: 0..<(depth >= 3 ? 5 : 7), using: &random) {
        case 0: out += Array(pick(["true", "false", "null"]).utf8)
        case 1: out += Array(pick(["0", "-1", "42", "3.25", "-0.5e3", "1E-7", "12345678901234567890", "-0"]).utf8)
        case 2, 3, 4: writeString(randomText(allowEmpty: true), &out)
        case 5:
            out.append(UInt8(ascii: "["))
            for index in 0..<Int.random(in: 0...3, using: &random) {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                space(&out)
                writeAny(&out, depth: depth + 1)
            }
            out.append(UInt8(ascii: "]"))
        default:
            let count = Int.random(in: 0...3, using: &random)
            let fields: [(String, (inout [UInt8], inout RandomEventGenerator) -> Void)] = (0..<count).map { index in
                (pick(["k\(index)", "refusal", "name", "é\(index)"]), { o, g in g.writeAny(&o, depth: depth + 1) })
            }
            writeObject(fields, &out)
        }
    }

    // MARK: - Strings

    mutating func randomText(allowEmpty: Bool) -> String {
        let pieces = ["a", "hello ", "Grüße", "世界", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "\u{7F}",
                      "\u{2028}", "é", "x y", "\u{0}", "ℕ", "🌍🌏"]
        var text = ""
        for _ in 0..<Int.random(in: (allowEmpty ? 0 : 1)...8, using: &random) { text += pick(pieces) }
        return text
    }

    /// Writes `text` as a JSON string, escaping each scalar in a randomly chosen legal way.
    mutating func writeString(_ text: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let mustEscape = value < 0x20 || value == 0x22 || value == 0x5C
            if !mustEscape && !chance(0.3) {
                out += Array(String(scalar).utf8)
            } else if let short = Self.shortEscapes[value], chance(0.5) {
                out += Array(short.utf8)
            } else if value > 0xFFFF {
                let offset = value - 0x10000
                appendUnicodeEscape(0xD800 + (offset >> 10), &out)
                appendUnicodeEscape(0xDC00 + (offset & 0x3FF), &out)
            } else {
                appendUnicodeEscape(value, &out)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let shortEscapes: [UInt32: String] = [
        0x22: #"\""#, 0x5C: #"\\"#, 0x2F: #"\/"#, 0x08: #"\b"#, 0x0C: #"\f"#, 0x0A: #"\n"#, 0x0D: #"\r"#, 0x09: #"\t"#,
    ]

    private mutating func appendUnicodeEscape(_ value: UInt32, _ out: inout [UInt8]) {
        let digits = chance(0.5) ? Array("0123456789abcdef".utf8) : Array("0123456789ABCDEF".utf8)
        out += Array(#"\u"#.utf8)
        for shift in stride(from: 12, through: 0, by: -4) { out.append(digits[Int((value >> UInt32(shift)) & 0xF)]) }
    }
}
