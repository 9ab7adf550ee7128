/*
 * A test fixture: a plugin built against a future ABI major version (2.0).
 * The daemon must reject it before calling anything but the register symbol,
 * so every function is a trap.
 */
#include "guardline_plugin.h"

#include <stdlib.h>

static void *future_init(const char *config_json, size_t config_len, char *err, size_t err_len) { abort(); }
static int future_score(void *ctx, const gl_plugin_event *event, gl_plugin_result *result) { abort(); }
static const char *future_last_error(void *ctx) { abort(); }
static void future_destroy(void *ctx) { abort(); }

static const gl_plugin_api future_api = {
    .abi_major = 2,
    .abi_minor = 0,
    .struct_size = sizeof(gl_plugin_api),
    .name = "fixture-future-abi",
    .version = "9.9.9",
    .init = future_init,
    .score = future_score,
    .last_error = future_last_error,
    .destroy = future_destroy,
};

const gl_plugin_api *guardline_plugin_register(void) {
    return &future_api;
}
