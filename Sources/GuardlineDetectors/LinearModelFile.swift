import Foundation

/// The on-disk form of a `LinearModel` (`*.glm`): a fixed little-endian
/// header, the model name, one float32 per bucket, and an FNV-1a 64 checksum
/// of everything before it. Binary because a 2^16-bucket model is 256 KiB of
/// weights that must load in milliseconds during a reload.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `GLLINEAR` |
/// | 8 | 2 | format major (1): a different major is refused |
/// | 10 | 2 | format minor: 0, or 1 when flag bit 2 is set; a newer minor is refused |
/// | 12 | 4 | bucket count (a power of two, 2^8 … 2^24) |
/// | 16 | 1 | flags: bit 0 word unigrams, bit 1 word bigrams, bit 2 word hashing v2 (format 1.1) |
/// | 17 | 1 | shortest character n-gram (0: none) |
/// | 18 | 1 | longest character n-gram |
/// | 19 | 1 | reserved, 0 |
/// | 20 | 4 | bytes read per field at most |
/// | 24 | 4 | bias (float32) |
/// | 28 | 8 | recommended threshold (float64) |
/// | 36 | 8 | training seed |
/// | 44 | 4 | epochs |
/// | 48 | 4 | training events |
/// | 52 | 4 | training attacks |
/// | 56 | 2 | name length `n` |
/// | 58 | n | name, UTF-8 |
/// | 58+n | 4 × buckets | weights (float32) |
/// | end − 8 | 8 | FNV-1a 64 of all bytes before it |
///
/// Nothing in it depends on the time or the machine: the same training run
/// writes the same bytes.
public enum LinearModelFile {
    public static let magic = Array("GLLINEAR".utf8)
    public static let formatMajor: UInt16 = 1
    /// The newest minor this daemon reads. A file is written with the
    /// lowest minor that holds it: a v1-hashing model stays 1.0, readable by
    /// older daemons; a v2 one is 1.1, which they refuse by name.
    public static let formatMinor: UInt16 = 1
    static let headerSize = 58
    public static let allowedBuckets = (1 << 8)...(1 << 24)

    /// The file's bytes for `model`.
    public static func encode(_ model: LinearModel) -> [UInt8] {
        var out: [UInt8] = []
        let name = Array(model.name.utf8.prefix(Int(UInt16.max)))
        out.reserveCapacity(headerSize + name.count + 4 * model.weights.count + 8)
        out += magic
        append(&out, formatMajor)
        let v2 = model.settings.wordHashing == .v2
        append(&out, UInt16(v2 ? 1 : 0))
        append(&out, UInt32(model.settings.bucketCount))
        out.append((model.settings.wordUnigrams ? 1 : 0) | (model.settings.wordBigrams ? 2 : 0) | (v2 ? 4 : 0))
        out.append(UInt8(model.settings.characterGrams.lowerBound))
        out.append(UInt8(model.settings.characterGrams.upperBound))
        out.append(0)
        append(&out, UInt32(model.settings.maximumBytesPerField))
        append(&out, model.bias.bitPattern)
        append(&out, model.recommendedThreshold.bitPattern)
        append(&out, model.metadata.seed)
        append(&out, UInt32(model.metadata.epochs))
        append(&out, UInt32(model.metadata.trainingEvents))
        append(&out, UInt32(model.metadata.trainingAttacks))
        append(&out, UInt16(name.count))
        out += name
        for weight in model.weights { append(&out, weight.bitPattern) }
        append(&out, ModelChecksum.fnv1a(out))
        return out
    }

    /// Reads and validates the model file at `path`.
    public static func load(path: String) throws(DetectorError) -> LinearModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw .model(path: path, reason: reason)
        }
        return try decode([UInt8](data), path: path)
    }

    /// Validates and decodes a model file's bytes; `path` is for the error.
    public static func decode(_ bytes: [UInt8], path: String) throws(DetectorError) -> LinearModel {
        func fail(_ reason: String) -> DetectorError { .model(path: path, reason: reason) }
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw fail("wrong magic (expected 'GLLINEAR': is this a model written by `guardline train`?)")
        }
        guard bytes.count >= headerSize else { throw fail("truncated: \(bytes.count) bytes, shorter than the \(headerSize)-byte header") }
        var reader = Reader(bytes: bytes, offset: magic.count)
        let major: UInt16 = reader.next(), minor: UInt16 = reader.next()
        guard major == formatMajor, minor <= formatMinor else {
            throw fail("model format \(major).\(minor) is not supported by this daemon (format \(formatMajor).\(formatMinor))")
        }
        let buckets = Int(reader.next() as UInt32)
        guard allowedBuckets.contains(buckets), buckets & (buckets - 1) == 0 else {
            throw fail("bucket count \(buckets) is not a power of two between 2^8 and 2^24")
        }
        let flags: UInt8 = reader.next(), shortest: UInt8 = reader.next(), longest: UInt8 = reader.next()
        _ = reader.next() as UInt8
        guard flags & ~7 == 0, flags & 4 == 0 || minor >= 1, (shortest == 0 && longest == 0) || (1...8).contains(shortest) && (shortest...8).contains(longest) else {
            throw fail("unknown feature settings (flags \(flags), character n-grams \(shortest)…\(longest))")
        }
        let maximumBytes = Int(reader.next() as UInt32)
        let bias = Float(bitPattern: reader.next())
        let threshold = Double(bitPattern: reader.next())
        let seed: UInt64 = reader.next()
        let epochs = Int(reader.next() as UInt32), events = Int(reader.next() as UInt32), attacks = Int(reader.next() as UInt32)
        let nameLength = Int(reader.next() as UInt16)
        let expected = headerSize + nameLength + 4 * buckets + 8
        guard bytes.count == expected else {
            throw fail(bytes.count < expected
                       ? "truncated: \(bytes.count) bytes, expected \(expected) for \(buckets) buckets"
                       : "\(bytes.count - expected) unexpected bytes after the checksum (expected \(expected) bytes)")
        }
        let stored = UInt64(littleEndianBytes: bytes[(expected - 8)...])
        guard stored == ModelChecksum.fnv1a(bytes[..<(expected - 8)]) else {
            throw fail("checksum mismatch: the file is corrupt")
        }
        let name = String(decoding: bytes[reader.offset..<(reader.offset + nameLength)], as: UTF8.self)
        reader.offset += nameLength
        var weights = [Float](repeating: 0, count: buckets)
        for index in 0..<buckets { weights[index] = Float(bitPattern: reader.next()) }
        guard bias.isFinite, weights.allSatisfy(\.isFinite) else { throw fail("a weight is not a finite number") }
        guard threshold > 0, threshold <= 1, maximumBytes > 0 else {
            throw fail("recommended threshold \(threshold) or field limit \(maximumBytes) out of range")
        }
        let settings = FeatureSettings(bucketCount: buckets, wordUnigrams: flags & 1 != 0, wordBigrams: flags & 2 != 0,
                                       characterGrams: Int(shortest)...Int(longest), maximumBytesPerField: maximumBytes,
                                       wordHashing: flags & 4 != 0 ? .v2 : .v1)
        return LinearModel(name: name, settings: settings, weights: weights, bias: bias, recommendedThreshold: threshold,
                           metadata: .init(seed: seed, epochs: epochs, trainingEvents: events, trainingAttacks: attacks))
    }

    private static func append<Integer: FixedWidthInteger>(_ out: inout [UInt8], _ value: Integer) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    /// Little-endian reads at a moving offset; bounds were checked against the expected size first.
    private struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func next<Integer: FixedWidthInteger>() -> Integer {
            let size = MemoryLayout<Integer>.size
            let value = Integer(littleEndianBytes: bytes[offset..<(offset + size)])
            offset += size
            return value
        }
    }
}

/// FNV-1a 64, the checksum of model files (the same function that hashes detector files).
enum ModelChecksum {
    static func fnv1a<Input: Sequence<UInt8>>(_ bytes: Input) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

extension FixedWidthInteger {
    /// Assembles an integer from its little-endian bytes.
    init<Input: Collection<UInt8>>(littleEndianBytes bytes: Input) {
        var value = Self.zero
        for (shift, byte) in bytes.prefix(MemoryLayout<Self>.size).enumerated() {
            value |= Self(truncatingIfNeeded: byte) << (shift * 8)
        }
        self = value
    }
}
