extension PluginTemplates {
    /// Based on `Tests/Fixtures/Plugins/ExampleKeywordPlugin/example_keyword_plugin.c`.
    static let cSource = #"""
        /*
         * __NAME__.c: a Guardline native detector plugin (ABI 1.0), written by
         * `guardline plugin new __NAME__ --lang c` from the shipped example
         * (Tests/Fixtures/Plugins/ExampleKeywordPlugin).
         *
         * As written it fires when the text or a tool call's arguments contain
         * one of PHRASES (ASCII case-insensitive); each further phrase adds 0.1.
         * Replace PHRASES, or the body of __ID___score(), with your detection.
         *
         * Config (the detector file's `config:`, as JSON): {"score": 0.8},
         * optional, in (0, 1]. Other keys are ignored by this skeleton.
         *
         * Build:
         *   cc -shared -fPIC -O2 -Wall -o lib__NAME__.so __NAME__.c
         *
         * guardline_plugin.h beside this file is the whole ABI; its top states
         * memory ownership, threading and versioning once. In short: validate
         * the config in init(); keep per-worker state in the context; what
         * score() returns lives in the context until the next call on it.
         */
        #include "guardline_plugin.h"

        #include <ctype.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>

        static const char *const PHRASES[] = {
            "exfiltrate the database",
            "disable the audit log",
        };
        #define PHRASE_COUNT (sizeof PHRASES / sizeof PHRASES[0])
        #define EVIDENCE_WINDOW 80

        typedef struct __ID___context {
            double score;
            const char *labels[1];
            char evidence[128];
            char last_error[256];
        } __ID___context;

        static void *__ID___init(const char *config_json, size_t config_len, char *err, size_t err_len) {
            size_t start = 0;
            while (start < config_len && isspace((unsigned char)config_json[start])) start++;
            if (start == config_len || config_json[start] != '{') {
                snprintf(err, err_len, "config: expected a JSON object");
                return NULL;
            }
            __ID___context *ctx = calloc(1, sizeof *ctx);
            if (ctx == NULL) {
                snprintf(err, err_len, "out of memory");
                return NULL;
            }
            ctx->score = 0.8;
            ctx->labels[0] = "__NAME__";
            char copy[1024];
            size_t length = config_len < sizeof copy - 1 ? config_len : sizeof copy - 1;
            memcpy(copy, config_json, length);
            copy[length] = '\0';
            const char *key = strstr(copy, "\"score\"");
            if (key != NULL) {
                const char *colon = strchr(key, ':');
                char *stop = NULL;
                double value = colon != NULL ? strtod(colon + 1, &stop) : 0;
                if (colon == NULL || stop == colon + 1 || !(value > 0 && value <= 1)) {
                    snprintf(err, err_len, "config: \"score\" must be a number in (0, 1]");
                    free(ctx);
                    return NULL;
                }
                ctx->score = value;
            }
            return ctx;
        }

        /* Offset of the first ASCII case-insensitive occurrence of phrase, or -1. */
        static long __ID___find(const gl_plugin_bytes *field, const char *phrase) {
            size_t phrase_length = strlen(phrase);
            if (field->ptr == NULL || phrase_length > field->len) return -1;
            for (size_t start = 0; start + phrase_length <= field->len; start++) {
                size_t i = 0;
                while (i < phrase_length && tolower((unsigned char)field->ptr[start + i]) == tolower((unsigned char)phrase[i])) i++;
                if (i == phrase_length) return (long)start;
            }
            return -1;
        }

        static int __ID___score(void *opaque, const gl_plugin_event *event, gl_plugin_result *result) {
            __ID___context *ctx = opaque;
            if (event == NULL || result == NULL) {
                snprintf(ctx->last_error, sizeof ctx->last_error, "score called with a NULL event or result");
                return 1;
            }
            ctx->last_error[0] = '\0';
            size_t found = 0;
            for (size_t p = 0; p < PHRASE_COUNT; p++) {
                const gl_plugin_bytes *field = &event->text;
                const char *where = "text";
                long offset = __ID___find(field, PHRASES[p]);
                for (size_t t = 0; offset < 0 && t < event->tool_call_count; t++) {
                    field = &event->tool_calls[t].arguments;
                    where = "tool arguments";
                    offset = __ID___find(field, PHRASES[p]);
                }
                if (offset < 0) continue;
                if (found++ == 0) {
                    size_t from = offset > EVIDENCE_WINDOW / 4 ? (size_t)offset - EVIDENCE_WINDOW / 4 : 0;
                    size_t length = field->len - from < EVIDENCE_WINDOW ? field->len - from : EVIDENCE_WINDOW;
                    snprintf(ctx->evidence, sizeof ctx->evidence, "%s: %.*s", where, (int)length, field->ptr + from);
                }
            }
            if (found == 0) return 0; /* result is zero-filled: score 0, nothing found */
            double score = ctx->score + 0.1 * (double)(found - 1);
            result->score = score > 1 ? 1 : score;
            result->labels = ctx->labels;
            result->label_count = 1;
            result->evidence = ctx->evidence;
            result->evidence_len = strlen(ctx->evidence);
            return 0;
        }

        static const char *__ID___last_error(void *opaque) {
            return ((__ID___context *)opaque)->last_error;
        }

        static void __ID___destroy(void *opaque) {
            free(opaque);
        }

        static const gl_plugin_api __ID___api = {
            .abi_major = GL_PLUGIN_ABI_MAJOR,
            .abi_minor = GL_PLUGIN_ABI_MINOR,
            .struct_size = sizeof(gl_plugin_api),
            .name = "__NAME__",
            .version = "0.1.0",
            .init = __ID___init,
            .score = __ID___score,
            .last_error = __ID___last_error,
            .destroy = __ID___destroy,
        };

        /* The one exported symbol; everything else is static. */
        const gl_plugin_api *guardline_plugin_register(void) {
            return &__ID___api;
        }

        """#
}
