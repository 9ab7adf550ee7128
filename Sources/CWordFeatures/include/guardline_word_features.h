// Word-feature scoring for learned models, in C for one reason: SSE2's
// movemask turns 16 bytes into a 16-bit "word byte" mask in a few
// instructions, which Swift cannot express directly. Everything here
// reproduces `HashedFeatures.forEachWord` (Swift) hash for hash, in the same
// order; GuardlineDetectors' tests compare the two on random input.
#ifndef GUARDLINE_WORD_FEATURES_H
#define GUARDLINE_WORD_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Longest field scored here; longer fields are cut to it (the model's
/// `maximumBytesPerField` is at most this when the Swift side calls in).
#define GL_WORD_FEATURES_MAX_FIELD 8192

typedef struct {
    const float *weights;   // one weight per bucket
    uint64_t mask;          // bucket count - 1 (a power of two minus one)
    int unigrams;           // visit word unigrams
    int bigrams;            // visit bigrams of adjacent words within the field
    int hashing;            // 1: v1 (finaliser per feature), 2: v2 (one finaliser per word)
} gl_word_model;

/// Adds the signed weights of every word feature of `bytes[0..<length]` to
/// `*sum`, in feature order, and the number of features to `*count`.
void gl_word_features_score(const gl_word_model *model, const uint8_t *bytes, size_t length,
                            float *sum, int64_t *count);

#ifdef __cplusplus
}
#endif

#endif
