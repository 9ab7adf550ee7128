/*
 * A test fixture: a second, different plugin (name "fixture-constant",
 * version "2.0.0") used to replace the example plugin's file on disk and check
 * that loading the same path again yields the new code. It scores every event
 * 0.5 with the label "constant", and fails score() when the event's text is
 * exactly "fail" so the error path through last_error is exercised.
 */
#include "guardline_plugin.h"

#include <stdlib.h>
#include <string.h>

typedef struct constant_context {
    const char *labels[1];
    char last_error[64];
} constant_context;

static void *constant_init(const char *config_json, size_t config_len, char *err, size_t err_len) {
    constant_context *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        strncpy(err, "out of memory", err_len);
        return NULL;
    }
    ctx->labels[0] = "constant";
    return ctx;
}

static int constant_score(void *opaque, const gl_plugin_event *event, gl_plugin_result *result) {
    constant_context *ctx = opaque;
    if (event->text.len == 4 && memcmp(event->text.ptr, "fail", 4) == 0) {
        strcpy(ctx->last_error, "asked to fail");
        return 7;
    }
    ctx->last_error[0] = '\0';
    result->score = 0.5;
    result->labels = ctx->labels;
    result->label_count = 1;
    result->evidence = "always";
    result->evidence_len = 6;
    return 0;
}

static const char *constant_last_error(void *opaque) {
    return ((constant_context *)opaque)->last_error;
}

static void constant_destroy(void *opaque) {
    free(opaque);
}

static const gl_plugin_api constant_api = {
    .abi_major = GL_PLUGIN_ABI_MAJOR,
    .abi_minor = GL_PLUGIN_ABI_MINOR,
    .struct_size = sizeof(gl_plugin_api),
    .name = "fixture-constant",
    .version = "2.0.0",
    .init = constant_init,
    .score = constant_score,
    .last_error = constant_last_error,
    .destroy = constant_destroy,
};

const gl_plugin_api *guardline_plugin_register(void) {
    return &constant_api;
}
