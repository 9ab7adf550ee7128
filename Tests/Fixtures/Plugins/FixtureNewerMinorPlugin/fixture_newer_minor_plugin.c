/*
 * A test fixture: a plugin built against ABI 1.1, a minor version newer than
 * the daemon's 1.0. It may rely on fields the daemon does not fill, so the
 * daemon must reject it; every function is a trap.
 */
#include "guardline_plugin.h"

#include <stdlib.h>

static void *minor_init(const char *config_json, size_t config_len, char *err, size_t err_len) { abort(); }
static int minor_score(void *ctx, const gl_plugin_event *event, gl_plugin_result *result) { abort(); }
static const char *minor_last_error(void *ctx) { abort(); }
static void minor_destroy(void *ctx) { abort(); }

static const gl_plugin_api minor_api = {
    .abi_major = GL_PLUGIN_ABI_MAJOR,
    .abi_minor = GL_PLUGIN_ABI_MINOR + 1,
    .struct_size = sizeof(gl_plugin_api),
    .name = "fixture-newer-minor",
    .version = "1.0.0",
    .init = minor_init,
    .score = minor_score,
    .last_error = minor_last_error,
    .destroy = minor_destroy,
};

const gl_plugin_api *guardline_plugin_register(void) {
    return &minor_api;
}
