import GuardlineProtocol

/// Which features a learned model reads from an event, and into how many
/// buckets they are hashed. Stored in the model file, so the daemon always
/// featurises exactly as the trainer did.
public struct FeatureSettings: Sendable, Equatable {
    /// Number of weights; a power of two so a bucket is a mask, not a division.
    public var bucketCount: Int
    /// Case-folded word unigrams.
    public var wordUnigrams: Bool
    /// Pairs of adjacent words ("ignore previous", "system prompt"): most of
    /// the signal is in such pairs, not in the single words.
    public var wordBigrams: Bool
    /// Character n-grams of these lengths (0 … 0: none). They catch
    /// obfuscated spellings and unspaced scripts, at ~3 lookups per byte.
    public var characterGrams: ClosedRange<Int>
    /// Bytes read from the text and from each tool-call field, at most: the
    /// cost of one event stays bounded whatever its size.
    public var maximumBytesPerField: Int
    /// How word features are derived from a word's hash (see
    /// `HashedFeatures.wordFeatures`). New models use the latest; a model
    /// file records its version, so older models keep their meaning.
    public var wordHashing: WordHashing

    /// The word-feature derivations a model file can name.
    public enum WordHashing: Int, Sendable, Equatable {
        /// Format 1.0: the unigram and the bigram each pass through the
        /// 64-bit finaliser again (three finalisers per word).
        case v1 = 1
        /// Format 1.1: the word's finalised hash is its unigram, and a bigram
        /// is the previous word's hash times an odd constant, xor this one's
        /// (one finaliser per word instead of three, for the same features).
        case v2 = 2
    }

    public init(bucketCount: Int = 1 << 18, wordUnigrams: Bool = true, wordBigrams: Bool = true,
                characterGrams: ClosedRange<Int> = 0...0, maximumBytesPerField: Int = 8192,
                wordHashing: WordHashing = .v2) {
        self.bucketCount = bucketCount
        self.wordUnigrams = wordUnigrams
        self.wordBigrams = wordBigrams
        self.characterGrams = characterGrams
        self.maximumBytesPerField = maximumBytesPerField
        self.wordHashing = wordHashing
    }

    public var usesCharacterGrams: Bool { characterGrams.lowerBound > 0 }
}

/// The featuriser of learned detectors: hashed, signed word and character
/// n-grams of an event's text, tool-call names and tool-call arguments.
///
/// A word's hash is FNV-1a over its case-folded bytes taken eight at a time,
/// followed by a 64-bit finaliser (character n-grams are at most eight bytes
/// and go straight through the finaliser), written out here rather than Swift's `Hasher`, which is seeded
/// per process: a model file must mean the same thing in every process and
/// on every machine. The top bit of the hash is the feature's sign, which
/// makes collisions cancel out on average instead of piling up.
///
/// Features are visited, never stored: scoring an event is a running sum
/// over the weights, with no allocation and no per-worker scratch.
public enum HashedFeatures {
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3
    static let unigramTag: UInt64 = 0x5155_4e49_0000_0001
    static let bigramTag: UInt64 = 0x4249_4752_0000_0002
    static let characterTag: UInt64 = 0x4348_4152_0000_0003

    /// splitmix64's finaliser: spreads FNV's weak low bits over all 64.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Visits the unigram and (after the first word of a field) bigram
    /// features of a word whose finalised hash is `wordHash`, as `hashing` says.
    @inline(__always)
    static func wordFeatures(_ wordHash: UInt64, previous: UInt64?, unigrams: Bool, bigrams: Bool,
                             hashing: FeatureSettings.WordHashing, _ visit: (UInt64) -> Void) {
        switch hashing {
        case .v1:
            if unigrams { visit(mix(wordHash ^ unigramTag)) }
            if bigrams, let previous { visit(mix((previous &* 0x9e37_79b9_7f4a_7c15) ^ wordHash ^ bigramTag)) }
        case .v2:
            if unigrams { visit(wordHash) }
            if bigrams, let previous { visit((previous &* 0x9e37_79b9_7f4a_7c15) ^ wordHash) }
        }
    }

    /// Adds one folded word byte to the word being hashed. Eight bytes are
    /// packed into one word before they are hashed: a multiply per byte would
    /// be a serial chain of ~4 cycles a byte.
    @inline(__always)
    static func appendToWord(_ byte: UInt8, hash: inout UInt64, chunk: inout UInt64, chunkLength: inout Int) {
        chunk = (chunk << 8) | UInt64(byte)
        chunkLength += 1
        if chunkLength == 8 {
            hash = (hash ^ chunk) &* fnvPrime
            chunk = 0
            chunkLength = 0
        }
    }

    /// ASCII letters, digits, and every byte of a multi-byte UTF-8 character
    /// (so words of any script are words); the rest separates words.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    @inline(__always)
    static func folded(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Calls `visit(hash)` for every feature of one event, in a fixed order:
    /// text, then each tool call's name and arguments. Fields are featurised
    /// separately (no n-gram spans two fields).
    @inline(__always)
    public static func forEach(in event: EventView, settings: FeatureSettings, _ visit: (UInt64) -> Void) {
        forEach(in: event.text, settings: settings, visit)
        for index in 0..<event.toolCallCount {
            let call = event.toolCall(index)
            forEach(in: call.name, settings: settings, visit)
            forEach(in: call.arguments, settings: settings, visit)
        }
    }

    /// Calls `visit(hash)` for every feature of one field. Word-only models
    /// (every shipped one) take `HashedFeatures.forEachWord`, a tighter loop
    /// that visits the same hashes in the same order; models with character
    /// n-grams take the general loop below.
    @inline(__always)
    public static func forEach(in field: Bytes, settings: FeatureSettings, _ visit: (UInt64) -> Void) {
        guard field.count > 0 else { return }
        if settings.usesCharacterGrams {
            forEachGeneral(in: field, settings: settings, visit)
        } else {
            forEachWord(in: field, settings: settings, visit)
        }
    }

    /// The reference featuriser: words and character n-grams in one pass,
    /// byte by byte. `forEachWord` must agree with it on every word-only
    /// model (tested on random and multilingual text).
    @inline(__always)
    public static func forEachGeneral(in field: Bytes, settings: FeatureSettings, _ visit: (UInt64) -> Void) {
        guard let base = field.baseAddress, field.count > 0 else { return }
        let count = min(field.count, settings.maximumBytesPerField)
        let unigrams = settings.wordUnigrams, bigrams = settings.wordBigrams, hashing = settings.wordHashing
        let minimumGram = settings.characterGrams.lowerBound, maximumGram = settings.characterGrams.upperBound
        let characters = minimumGram > 0
        var wordHash = fnvOffset
        var chunk: UInt64 = 0
        var chunkLength = 0
        var inWord = false
        var previousWord: UInt64 = 0
        var hasPreviousWord = false
        // Character n-grams slide over the folded bytes with every run of
        // separators collapsed to one space; `window` holds the last 8 bytes.
        // A field starts and ends with a virtual space, so "abc" gives " ab", "abc", "bc ".
        var window: UInt64 = 0x20
        var filled = 1
        var lastWasSpace = true
        var index = 0
        while index <= count {
            let byte: UInt8 = index < count ? folded(base[index]) : 0x20
            index += 1
            let word = isWordByte(byte)
            if word {
                appendToWord(byte, hash: &wordHash, chunk: &chunk, chunkLength: &chunkLength)
                inWord = true
            } else if inWord {
                wordHash = mix((wordHash ^ chunk) &* fnvPrime ^ UInt64(chunkLength))
                wordFeatures(wordHash, previous: hasPreviousWord ? previousWord : nil, unigrams: unigrams, bigrams: bigrams,
                             hashing: hashing, visit)
                previousWord = wordHash
                hasPreviousWord = true
                wordHash = fnvOffset
                chunk = 0
                chunkLength = 0
                inWord = false
            }
            guard characters else { continue }
            if !word {
                if lastWasSpace { continue }
                lastWasSpace = true
                window = (window << 8) | 0x20
            } else {
                lastWasSpace = false
                window = (window << 8) | UInt64(byte)
            }
            filled += 1
            var length = minimumGram
            while length <= maximumGram && length <= filled {
                let gram = length == 8 ? window : window & ((1 << (UInt64(length) * 8)) - 1)
                visit(mix(gram ^ (UInt64(length) << 56) ^ characterTag))
                length += 1
            }
        }
    }

    /// The bucket of a feature hash (its low bits).
    @inline(__always)
    public static func bucket(_ hash: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: hash) & mask }

    /// +1 or -1 from the hash's top bit.
    @inline(__always)
    public static func sign(_ hash: UInt64) -> Float { hash >> 63 == 0 ? 1 : -1 }

    /// Every feature of an event as `bucket | sign << 31`, for training
    /// (appended to `features`, which the caller owns).
    public static func collect(_ event: EventView, settings: FeatureSettings, into features: inout [UInt32]) {
        let mask = settings.bucketCount - 1
        forEach(in: event, settings: settings) { hash in
            features.append(UInt32(bucket(hash, mask: mask)) | (hash >> 63 == 0 ? 0 : 1 << 31))
        }
    }
}
