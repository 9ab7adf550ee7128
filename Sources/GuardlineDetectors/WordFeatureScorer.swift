import CWordFeatures
import GuardlineProtocol

/// Scores word-only models through `CWordFeatures` (C, SSE2): the same
/// features as `HashedFeatures.forEachWord`, summed in the same order, so a
/// score is bit for bit the one the Swift loop gives (tested on random input).
///
/// Why C: the Swift loop spends most of its time per word, finding each
/// word's end a byte at a time (one table load, test and branch per byte).
/// SSE2's movemask classifies 16 bytes into a bit mask at once, and words are
/// then found by counting trailing zeros; Swift cannot express that directly.
struct WordFeatureScorer {
    private var model: gl_word_model
    private(set) var sum: Float = 0
    private var features: Int64 = 0
    private let maximumBytes: Int

    var count: Int { Int(features) }

    /// Whether `settings` can be scored here: word features only, and fields
    /// cut no later than the C side cuts them.
    static func handles(_ settings: FeatureSettings) -> Bool {
        !settings.usesCharacterGrams && settings.maximumBytesPerField <= Int(GL_WORD_FEATURES_MAX_FIELD)
    }

    /// `weights` must stay valid while this scorer is used.
    init(settings: FeatureSettings, weights: UnsafeBufferPointer<Float>) {
        model = gl_word_model(
            weights: weights.baseAddress, mask: UInt64(settings.bucketCount - 1),
            unigrams: settings.wordUnigrams ? 1 : 0, bigrams: settings.wordBigrams ? 1 : 0,
            hashing: Int32(settings.wordHashing.rawValue))
        maximumBytes = settings.maximumBytesPerField
    }

    /// Adds one field's features (a bigram never spans two fields).
    mutating func add(_ field: Bytes) {
        guard let base = field.baseAddress, field.count > 0 else { return }
        gl_word_features_score(&model, base, min(field.count, maximumBytes), &sum, &features)
    }
}
