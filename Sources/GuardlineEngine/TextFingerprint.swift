/// Fast, allocation-free hashing of byte views.
public enum TextFingerprint {
    /// FNV-1a, 64-bit.
    @inlinable public static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        return h
    }

    /// Hash of the text with ASCII letters case-folded, and the text's length
    /// in bytes. Two messages that differ only in letter case get the same
    /// fingerprint; spacing and punctuation variants do not.
    ///
    /// Why not a richer normalisation: this runs on every event with an org,
    /// over the whole text. Folding runs of separators costs a branch per
    /// byte that the CPU mispredicts on real text, a sizeable share of the
    /// per-event budget; eight bytes at a time with a multiply per word costs
    /// a tenth of that. Hashing only a prefix would be
    /// cheaper still but would merge templated prompts that differ only after
    /// the template, a false-positive source.
    public static func caseFolded(_ bytes: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, length: Int) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return (h, 0) }
        let raw = UnsafeRawPointer(base)
        let words = bytes.count / 8
        for index in 0..<words {
            let word = raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
            h = (h ^ foldCase(word)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
        }
        var tail: UInt64 = 0
        for index in (words * 8)..<bytes.count {
            tail = tail << 8 | UInt64(base[index])
        }
        h = (h ^ foldCase(tail)) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 31
        return (h, bytes.count)
    }

    /// Lower-cases the ASCII capitals among eight packed bytes, branch-free:
    /// a byte gets 0x20 added exactly when it lies in 'A'...'Z'.
    @inline(__always) static func foldCase(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let ascii = ~word & high                                  // high bit clear: ASCII
        let seven = word & ~high
        let aboveA = (seven &+ ones &* (0x80 - 0x41)) & high      // >= 'A'
        let aboveZ = (seven &+ ones &* (0x80 - 0x5B)) & high      // >= 'Z' + 1
        let upper = aboveA & ~aboveZ & ascii
        return word | (upper >> 2)
    }
}
