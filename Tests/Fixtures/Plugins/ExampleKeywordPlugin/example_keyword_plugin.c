/*
 * example_keyword_plugin.c — a complete Guardline native detector plugin, and
 * the template to copy when writing a new one.
 *
 * What it detects: any of a configured list of phrases, matched ASCII
 * case-insensitively, in an event's text or in any tool call's arguments.
 *
 * Configuration (JSON, given to init):
 *   {
 *     "phrases": ["ignore previous instructions", "rm -rf /"],   required, 1..256 non-empty strings
 *     "label":   "prompt-injection",                            optional, default "keyword"
 *     "score":   0.8                                            optional, in (0, 1], default 0.8
 *   }
 * Each further distinct phrase found in the same event adds 0.1, capped at 1.
 *
 * Result: score as above, labels = [label], evidence = up to 80 bytes of the
 * field around the first match, prefixed with where it was found.
 *
 * How to write your own, following this file:
 *   1. Include guardline_plugin.h and fill one static gl_plugin_api with
 *      GL_PLUGIN_ABI_MAJOR, GL_PLUGIN_ABI_MINOR and sizeof(gl_plugin_api).
 *   2. Export only guardline_plugin_register(); keep everything else static
 *      so two plugins loaded into one daemon never see each other's symbols.
 *   3. Parse and validate all configuration in init(); fail there, with a
 *      message naming the field, never later in score().
 *   4. Keep all per-worker state in the context; score() must not allocate
 *      in the common case (this one allocates nothing at all after init).
 *   5. Anything returned from score() points into the context and stays
 *      valid until the next call on it.
 *   6. Build it as a shared library (SwiftPM: a .dynamic library product).
 */
#include "guardline_plugin.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PHRASES 256
#define MAX_STRING 1024
#define EVIDENCE_CAPACITY 128
#define EVIDENCE_WINDOW 80

typedef struct keyword_context {
    char *phrases[MAX_PHRASES]; /* lowercased, NUL-terminated */
    size_t phrase_lengths[MAX_PHRASES];
    size_t phrase_count;
    char label[MAX_STRING];
    const char *labels[1];
    double base_score;
    char evidence[EVIDENCE_CAPACITY];
    char last_error[256];
} keyword_context;

/* ---- A minimal JSON reader: exactly the shapes the config allows. ---- */

typedef struct reader {
    const char *at;
    const char *end;
    char *err;
    size_t err_len;
} reader;

static int fail(reader *r, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(r->err, r->err_len, format, args);
    va_end(args);
    return -1;
}

static void skip_space(reader *r) {
    while (r->at < r->end && (*r->at == ' ' || *r->at == '\t' || *r->at == '\n' || *r->at == '\r')) r->at++;
}

static int expect(reader *r, char c) {
    skip_space(r);
    if (r->at >= r->end || *r->at != c) return fail(r, "config: expected '%c'", c);
    r->at++;
    return 0;
}

/* Reads a JSON string into out (NUL-terminated, at most MAX_STRING - 1 bytes). */
static int read_string(reader *r, char *out, size_t *out_len) {
    skip_space(r);
    if (r->at >= r->end || *r->at != '"') return fail(r, "config: expected a string");
    r->at++;
    size_t n = 0;
    while (r->at < r->end && *r->at != '"') {
        char c = *r->at++;
        if (c == '\\') {
            if (r->at >= r->end) break;
            char e = *r->at++;
            switch (e) {
            case '"': case '\\': case '/': c = e; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            default: return fail(r, "config: unsupported escape '\\%c' in a string", e);
            }
        }
        if (n + 1 >= MAX_STRING) return fail(r, "config: string longer than %d bytes", MAX_STRING - 1);
        out[n++] = c;
    }
    if (r->at >= r->end) return fail(r, "config: unterminated string");
    r->at++;
    out[n] = '\0';
    *out_len = n;
    return 0;
}

static int read_number(reader *r, double *out) {
    skip_space(r);
    char buffer[64];
    size_t n = 0;
    while (r->at < r->end && n + 1 < sizeof buffer && strchr("+-0123456789.eE", *r->at)) buffer[n++] = *r->at++;
    buffer[n] = '\0';
    char *stop = NULL;
    *out = strtod(buffer, &stop);
    if (n == 0 || stop != buffer + n) return fail(r, "config: \"score\" must be a number");
    return 0;
}

static int read_phrases(reader *r, keyword_context *ctx) {
    if (expect(r, '[') != 0) return fail(r, "config: \"phrases\" must be an array of strings");
    skip_space(r);
    if (r->at < r->end && *r->at == ']') { r->at++; return 0; }
    for (;;) {
        char phrase[MAX_STRING];
        size_t length = 0;
        if (read_string(r, phrase, &length) != 0) return -1;
        if (length == 0) return fail(r, "config: \"phrases\" entry %zu is empty", ctx->phrase_count);
        if (ctx->phrase_count == MAX_PHRASES) return fail(r, "config: more than %d \"phrases\"", MAX_PHRASES);
        for (size_t i = 0; i < length; i++) phrase[i] = (char)tolower((unsigned char)phrase[i]);
        ctx->phrases[ctx->phrase_count] = strdup(phrase);
        if (ctx->phrases[ctx->phrase_count] == NULL) return fail(r, "out of memory");
        ctx->phrase_lengths[ctx->phrase_count++] = length;
        skip_space(r);
        if (r->at < r->end && *r->at == ',') { r->at++; continue; }
        return expect(r, ']');
    }
}

static int read_config(reader *r, keyword_context *ctx) {
    if (expect(r, '{') != 0) return fail(r, "config: expected a JSON object");
    skip_space(r);
    if (r->at < r->end && *r->at == '}') { r->at++; return 0; }
    for (;;) {
        char key[MAX_STRING];
        size_t key_length = 0;
        if (read_string(r, key, &key_length) != 0 || expect(r, ':') != 0) return -1;
        if (strcmp(key, "phrases") == 0) {
            if (read_phrases(r, ctx) != 0) return -1;
        } else if (strcmp(key, "label") == 0) {
            size_t length = 0;
            if (read_string(r, ctx->label, &length) != 0) return -1;
            if (length == 0) return fail(r, "config: \"label\" is empty");
        } else if (strcmp(key, "score") == 0) {
            if (read_number(r, &ctx->base_score) != 0) return -1;
            if (!(ctx->base_score > 0 && ctx->base_score <= 1)) return fail(r, "config: \"score\" must be in (0, 1], got %g", ctx->base_score);
        } else {
            return fail(r, "config: unknown key \"%s\" (expected phrases, label, score)", key);
        }
        skip_space(r);
        if (r->at < r->end && *r->at == ',') { r->at++; continue; }
        if (expect(r, '}') != 0) return -1;
        skip_space(r);
        if (r->at != r->end) return fail(r, "config: trailing bytes after the object");
        return 0;
    }
}

/* ---- The plugin. ---- */

static void keyword_destroy(void *opaque) {
    keyword_context *ctx = opaque;
    if (ctx == NULL) return;
    for (size_t i = 0; i < ctx->phrase_count; i++) free(ctx->phrases[i]);
    free(ctx);
}

static void *keyword_init(const char *config_json, size_t config_len, char *err, size_t err_len) {
    keyword_context *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    strcpy(ctx->label, "keyword");
    ctx->base_score = 0.8;
    reader r = { config_json, config_json + config_len, err, err_len };
    if (read_config(&r, ctx) != 0) {
        keyword_destroy(ctx);
        return NULL;
    }
    if (ctx->phrase_count == 0) {
        snprintf(err, err_len, "config: \"phrases\" is required and must name at least one phrase");
        keyword_destroy(ctx);
        return NULL;
    }
    ctx->labels[0] = ctx->label;
    return ctx;
}

/* The offset of the first ASCII case-insensitive occurrence of a lowercased
 * phrase in haystack, or -1. */
static long find_phrase(const char *haystack, size_t length, const char *phrase, size_t phrase_length) {
    if (haystack == NULL || phrase_length > length) return -1;
    for (size_t start = 0; start + phrase_length <= length; start++) {
        size_t i = 0;
        while (i < phrase_length && tolower((unsigned char)haystack[start + i]) == (unsigned char)phrase[i]) i++;
        if (i == phrase_length) return (long)start;
    }
    return -1;
}

static void write_evidence(keyword_context *ctx, const char *where, const gl_plugin_bytes *field, long offset) {
    size_t start = offset > EVIDENCE_WINDOW / 4 ? (size_t)offset - EVIDENCE_WINDOW / 4 : 0;
    size_t length = field->len - start < EVIDENCE_WINDOW ? field->len - start : EVIDENCE_WINDOW;
    snprintf(ctx->evidence, sizeof ctx->evidence, "%s: %.*s", where, (int)length, field->ptr + start);
}

static int keyword_score(void *opaque, const gl_plugin_event *event, gl_plugin_result *result) {
    keyword_context *ctx = opaque;
    if (event == NULL || result == NULL) {
        snprintf(ctx->last_error, sizeof ctx->last_error, "score called with a NULL event or result");
        return 1;
    }
    ctx->last_error[0] = '\0';
    size_t found = 0;
    for (size_t p = 0; p < ctx->phrase_count; p++) {
        long offset = find_phrase(event->text.ptr, event->text.len, ctx->phrases[p], ctx->phrase_lengths[p]);
        const gl_plugin_bytes *field = &event->text;
        const char *where = "text";
        for (size_t t = 0; offset < 0 && t < event->tool_call_count; t++) {
            field = &event->tool_calls[t].arguments;
            where = "tool arguments";
            offset = find_phrase(field->ptr, field->len, ctx->phrases[p], ctx->phrase_lengths[p]);
        }
        if (offset < 0) continue;
        if (found++ == 0) write_evidence(ctx, where, field, offset);
    }
    if (found == 0) return 0;
    double score = ctx->base_score + 0.1 * (double)(found - 1);
    result->score = score > 1 ? 1 : score;
    result->labels = ctx->labels;
    result->label_count = 1;
    result->evidence = ctx->evidence;
    result->evidence_len = strlen(ctx->evidence);
    return 0;
}

static const char *keyword_last_error(void *opaque) {
    keyword_context *ctx = opaque;
    return ctx->last_error;
}

static const gl_plugin_api keyword_api = {
    .abi_major = GL_PLUGIN_ABI_MAJOR,
    .abi_minor = GL_PLUGIN_ABI_MINOR,
    .struct_size = sizeof(gl_plugin_api),
    .name = "example-keyword",
    .version = "1.0.0",
    .init = keyword_init,
    .score = keyword_score,
    .last_error = keyword_last_error,
    .destroy = keyword_destroy,
};

const gl_plugin_api *guardline_plugin_register(void) {
    return &keyword_api;
}
