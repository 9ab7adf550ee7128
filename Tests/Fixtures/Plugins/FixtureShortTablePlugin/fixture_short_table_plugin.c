/*
 * A test fixture: a plugin whose table claims ABI 1.0 but reports a
 * struct_size of only the three version fields, as a plugin built from a
 * truncated or hand-edited header would. The daemon must reject it without
 * reading past those fields.
 */
#include "guardline_plugin.h"

typedef struct short_table {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;
} short_table;

static const short_table table = {
    .abi_major = GL_PLUGIN_ABI_MAJOR,
    .abi_minor = GL_PLUGIN_ABI_MINOR,
    .struct_size = sizeof(short_table),
};

const gl_plugin_api *guardline_plugin_register(void) {
    return (const gl_plugin_api *)&table;
}
