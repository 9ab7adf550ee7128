/// A copy of `Sources/GuardlinePluginABI/include/guardline_plugin.h`, so
/// `guardline plugin new` can write a self-contained plugin project from an
/// installed binary, without the source checkout. A test compares it with the
/// header byte for byte: the two can never drift apart.
enum PluginABIHeaderText {
    /// The header file's bytes (the literal below drops its last newline).
    static var fileContents: String { header + "\n" }

    private static let header = #"""
/*
 * guardline_plugin.h — the whole C ABI between the Guardline daemon and a
 * native detector plugin (a shared library loaded with dlopen).
 *
 * Modelled on Falco's plugin_api.h. A plugin exports exactly one symbol,
 * guardline_plugin_register(), which returns a gl_plugin_api table. The
 * table starts with the ABI version the plugin was built against and the
 * size of the table it knows; the daemon checks those three fields before it
 * touches anything else.
 *
 * VERSIONING
 *   The daemon accepts a plugin whose abi_major equals GL_PLUGIN_ABI_MAJOR and
 *   whose abi_minor is not newer than GL_PLUGIN_ABI_MINOR. Minor versions only
 *   ever append fields: to the end of gl_plugin_api (so struct_size tells the
 *   daemon which fields exist) and to the end of gl_plugin_event and
 *   gl_plugin_result (which the daemon allocates and zero-fills, so an older
 *   plugin simply never reads or writes the new fields). Anything else is a
 *   new major version.
 *
 * MEMORY OWNERSHIP (stated once, applies to every field below)
 *   - Memory the daemon passes in (config_json, every gl_plugin_bytes inside
 *     gl_plugin_event, the tool-call array, the gl_plugin_result struct itself)
 *     is owned by the daemon and valid only for the duration of the call. A
 *     plugin that needs any of it later must copy it.
 *   - Memory the plugin hands out (name, version, last_error's string, the
 *     labels array and its strings, evidence) is owned by the plugin and is
 *     never freed by the daemon. name and version must live as long as the
 *     library is loaded; everything reached through a context must stay valid
 *     until the next call on that same context, or until destroy().
 *   - Byte views are NOT NUL-terminated; always use the length. C strings that
 *     the plugin returns (name, version, labels, last_error) ARE NUL-terminated
 *     UTF-8.
 *
 * THREADING
 *   The daemon creates one context per worker thread with init() and never
 *   calls score() concurrently on one context; different contexts may be used
 *   on different threads at the same time. A plugin therefore needs no locks
 *   for per-context state, but any state it shares between contexts (globals,
 *   statics) must be thread-safe. guardline_plugin_register() and init() may
 *   be called from any thread.
 *
 * LIFETIME
 *   Every load (each reload too) dlopen()s a fresh private copy of the file,
 *   so a new build of a plugin loads as a new library alongside the old one.
 *   - A C plugin (its DT_NEEDED entries name no libswiftCore.so) is
 *     dlclose()d once the generation that loaded it has been replaced and
 *     every worker has destroy()ed its context: after every call into it has
 *     returned. So after destroy() of its last context, a C plugin must leave
 *     nothing behind that runs or points into the library: no threads still
 *     running, no atexit() or signal handlers, no callbacks registered with
 *     other libraries. A plugin that cannot promise this opts out by linking
 *     with -Wl,-z,nodelete (DF_1_NODELETE); it then stays mapped until the
 *     process exits.
 *   - A Swift plugin (it links libswiftCore.so, or carries swift5_* sections
 *     when built with -static-stdlib) is never dlclose()d: the Swift runtime
 *     keeps pointers into every loaded Swift image. A reload with identical
 *     bytes reuses the loaded copy; each reload of a changed Swift plugin
 *     leaves the old copy mapped until the process exits.
 */
#ifndef GUARDLINE_PLUGIN_H
#define GUARDLINE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GL_PLUGIN_ABI_MAJOR 1
#define GL_PLUGIN_ABI_MINOR 0

/* The name of the one symbol a plugin exports. */
#define GL_PLUGIN_REGISTER_SYMBOL "guardline_plugin_register"

/* A byte view owned by the daemon: `len` bytes at `ptr`, not NUL-terminated.
 * An absent field has len == 0 (ptr may then be NULL). */
typedef struct gl_plugin_bytes {
    const char *ptr;
    size_t len;
} gl_plugin_bytes;

/* Roles, as in the wire protocol. */
typedef enum gl_plugin_role {
    GL_PLUGIN_ROLE_USER = 0,
    GL_PLUGIN_ROLE_ASSISTANT = 1,
    GL_PLUGIN_ROLE_TOOL = 2,
    GL_PLUGIN_ROLE_SYSTEM = 3,
} gl_plugin_role;

/* One tool call of an event. */
typedef struct gl_plugin_tool_call {
    /* The tool's name. */
    gl_plugin_bytes name;
    /* The unescaped string when the call's "arguments" was a JSON string;
     * the raw JSON text when it was an object or array. */
    gl_plugin_bytes arguments;
} gl_plugin_tool_call;

/* One conversation event, as views into daemon-owned memory (valid only
 * during the score() call). */
typedef struct gl_plugin_event {
    /* The event's id, unique per pipeline. */
    gl_plugin_bytes id;
    /* The account the event belongs to; risk accumulates per account. */
    gl_plugin_bytes account_id;
    /* The account's organisation; empty when the event carried none. */
    gl_plugin_bytes org_id;
    /* The conversation the event is part of. */
    gl_plugin_bytes conversation_id;
    /* A gl_plugin_role value. */
    int32_t role;
    /* Unescaped UTF-8 message text; empty when absent. */
    gl_plugin_bytes text;
    /* tool_call_count entries; NULL when tool_call_count is 0. */
    const gl_plugin_tool_call *tool_calls;
    size_t tool_call_count;
    /* The raw JSON text of the event's "meta" object; empty when absent. */
    gl_plugin_bytes meta_json;
} gl_plugin_event;

/* What a plugin reports for one event. The daemon zero-fills it before each
 * score() call, so a plugin that finds nothing may leave it untouched. */
typedef struct gl_plugin_result {
    /* How strongly the event matches, in [0, 1]; 0 means "nothing found".
     * NaN or a value outside [0, 1] is treated as a plugin error. */
    double score;
    /* label_count NUL-terminated UTF-8 labels (for example "prompt-injection"),
     * plugin-owned, valid until the next call on the same context. */
    const char *const *labels;
    size_t label_count;
    /* A short excerpt explaining the score (keep it under ~200 bytes; the
     * daemon may truncate), plugin-owned, same lifetime as labels. */
    const char *evidence;
    size_t evidence_len;
} gl_plugin_result;

/* The table a plugin registers. Fields are only ever appended. */
typedef struct gl_plugin_api {
    /*
     * Required: yes. Must be the first three fields, in this order.
     * The ABI the plugin was built against (GL_PLUGIN_ABI_MAJOR and
     * GL_PLUGIN_ABI_MINOR at build time) and sizeof(gl_plugin_api) at build
     * time. The daemon rejects a different major, a newer minor, or a
     * struct_size smaller than the table of the minor version it claims.
     */
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size;

    /*
     * Required: yes.
     * Short, stable, NUL-terminated names used in logs, metrics and labels,
     * for example "example-keyword" and "1.2.0". Static storage.
     */
    const char *name;
    const char *version;

    /*
     * Required: yes.
     * Creates one context (one per worker thread).
     * Arguments:
     *   config_json, config_len: the plugin's configuration as JSON text
     *     (daemon-owned, valid only during the call, not NUL-terminated).
     *   err, err_len: a buffer of err_len bytes the plugin fills with a
     *     NUL-terminated, human-readable reason when it fails.
     * Return value: a context the daemon passes to every other call, or NULL
     *   on failure (with err filled in). The daemon shows err to the operator,
     *   so name the offending config field.
     */
    void *(*init)(const char *config_json, size_t config_len, char *err, size_t err_len);

    /*
     * Required: yes.
     * Scores one event. Never called concurrently on one context.
     * Arguments:
     *   ctx: a context returned by init().
     *   event: the event (daemon-owned, valid only during the call).
     *   result: zero-filled by the daemon; the plugin writes its findings.
     * Return value: 0 on success. Any other value is an error: the daemon
     *   ignores result and calls last_error(ctx) for the reason.
     */
    int (*score)(void *ctx, const gl_plugin_event *event, gl_plugin_result *result);

    /*
     * Required: yes.
     * Arguments: ctx: a context returned by init().
     * Return value: a NUL-terminated description of the last error on this
     *   context (plugin-owned, valid until the next call on ctx); never NULL
     *   (return "" when there was none).
     */
    const char *(*last_error)(void *ctx);

    /*
     * Required: yes.
     * Frees a context and everything it owns. Called once per context, never
     * while a score() on it is running.
     * Arguments: ctx: a context returned by init().
     */
    void (*destroy)(void *ctx);
} gl_plugin_api;

/*
 * The one symbol a plugin exports.
 * Return value: a pointer to a gl_plugin_api in static storage, valid for as
 *   long as the library is loaded. Must not fail and must not allocate
 *   per-call state: the daemon may call it more than once.
 */
const gl_plugin_api *guardline_plugin_register(void);

#ifdef __cplusplus
}
#endif

#endif /* GUARDLINE_PLUGIN_H */
"""#
}
