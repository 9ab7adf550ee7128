#include "guardline_word_features.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static const uint64_t fnv_offset = 0xcbf29ce484222325ULL;
static const uint64_t fnv_prime = 0x00000100000001b3ULL;
static const uint64_t unigram_tag = 0x51554e4900000001ULL;
static const uint64_t bigram_tag = 0x4249475200000002ULL;
static const uint64_t bigram_multiplier = 0x9e3779b97f4a7c15ULL;

static inline uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline int is_word_byte(uint8_t b) {
    return b >= 0x80 || (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A);
}

static inline uint8_t fold(uint8_t b) { return (b >= 0x41 && b <= 0x5A) ? (uint8_t)(b | 0x20) : b; }

/// Fills `folded` (ASCII case folded copy) and `words` (bit i set when byte
/// i is a word byte) for `length` bytes; bits past `length` stay 0.
static void classify(const uint8_t *bytes, size_t length, uint8_t *folded, uint64_t *words) {
    size_t blocks = (length + 63) / 64;
    memset(words, 0, blocks * sizeof(uint64_t));
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    const __m128i below_0 = _mm_set1_epi8(0x2F), above_9 = _mm_set1_epi8(0x3A);
    const __m128i below_a = _mm_set1_epi8(0x60), above_z = _mm_set1_epi8(0x7B);
    const __m128i below_A = _mm_set1_epi8(0x40), above_Z = _mm_set1_epi8(0x5B);
    const __m128i case_bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= length; i += 16) {
        __m128i b = _mm_loadu_si128((const __m128i *)(bytes + i));
        // Signed compares: bytes >= 0x80 are negative, so only the first test takes them.
        __m128i high = _mm_cmplt_epi8(b, zero);
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(b, below_0), _mm_cmplt_epi8(b, above_9));
        __m128i lower = _mm_or_si128(b, case_bit);
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, below_a), _mm_cmplt_epi8(lower, above_z));
        __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(b, below_A), _mm_cmplt_epi8(b, above_Z));
        _mm_storeu_si128((__m128i *)(folded + i), _mm_or_si128(b, _mm_and_si128(upper, case_bit)));
        uint64_t bits = (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_or_si128(high, _mm_or_si128(digit, letter)));
        words[i >> 6] |= bits << (i & 63);
    }
#endif
    for (; i < length; i++) {
        folded[i] = fold(bytes[i]);
        if (is_word_byte(bytes[i])) words[i >> 6] |= 1ULL << (i & 63);
    }
}

/// First index >= from whose bit equals `value`, or length.
static inline size_t next_bit(const uint64_t *words, size_t from, size_t length, int value) {
    while (from < length) {
        uint64_t word = words[from >> 6];
        if (!value) word = ~word;
        word >>= (from & 63);
        if (word != 0) {
            size_t found = from + (size_t)__builtin_ctzll(word);
            return found < length ? found : length;
        }
        from = (from | 63) + 1;
    }
    return length;
}

static inline void add(const gl_word_model *model, uint64_t hash, float *sum, int64_t *count) {
    float weight = model->weights[hash & model->mask];
    *sum += (hash >> 63) == 0 ? weight : -weight;
    *count += 1;
}

void gl_word_features_score(const gl_word_model *model, const uint8_t *bytes, size_t length,
                            float *sum_out, int64_t *count_out) {
    if (bytes == NULL || length == 0) return;
    if (length > GL_WORD_FEATURES_MAX_FIELD) length = GL_WORD_FEATURES_MAX_FIELD;
    // Eight bytes of slack after the copy: the last chunk of a word is read
    // as a whole 8-byte load and shifted.
    uint8_t folded[GL_WORD_FEATURES_MAX_FIELD + 8];
    uint64_t words[(GL_WORD_FEATURES_MAX_FIELD + 63) / 64];
    classify(bytes, length, folded, words);
    memset(folded + length, 0, 8);

    float sum = *sum_out;
    int64_t count = *count_out;
    uint64_t previous = 0;
    int has_previous = 0;
    size_t index = 0;
    while (index < length) {
        size_t start = next_bit(words, index, length, 1);
        if (start >= length) break;
        size_t end = next_bit(words, start, length, 0);
        uint64_t hash = fnv_offset;
        size_t at = start;
        for (; at + 8 <= end; at += 8) {
            uint64_t chunk;
            memcpy(&chunk, folded + at, 8);
            hash = (hash ^ __builtin_bswap64(chunk)) * fnv_prime;
        }
        size_t rest = end - at;
        uint64_t chunk = 0;
        if (rest > 0) {
            memcpy(&chunk, folded + at, 8);
            chunk = __builtin_bswap64(chunk) >> (64 - 8 * rest);
        }
        hash = mix(((hash ^ chunk) * fnv_prime) ^ (uint64_t)rest);
        if (model->hashing == 1) {
            if (model->unigrams) add(model, mix(hash ^ unigram_tag), &sum, &count);
            if (model->bigrams && has_previous) add(model, mix((previous * bigram_multiplier) ^ hash ^ bigram_tag), &sum, &count);
        } else {
            if (model->unigrams) add(model, hash, &sum, &count);
            if (model->bigrams && has_previous) add(model, (previous * bigram_multiplier) ^ hash, &sum, &count);
        }
        previous = hash;
        has_previous = 1;
        index = end;
    }
    *sum_out = sum;
    *count_out = count;
}
