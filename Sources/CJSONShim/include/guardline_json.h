/*
 * guardline_json.h — the C ABI between Swift and the simdjson-based line parser.
 *
 * Ownership, stated once: every gl_str, and the tool-call array, returned by
 * gl_parse() points either into the caller's input buffer or into memory owned
 * by the gl_parser. Those views stay valid until the next gl_parse() or
 * gl_parser_destroy() on the same parser. Nothing returned is ever freed by
 * the caller. A gl_parser is not thread-safe: one per worker.
 */
#ifndef GUARDLINE_JSON_H
#define GUARDLINE_JSON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of readable memory simdjson wants after the end of the input. */
#define GL_PADDING 64

/* More tool calls than this in one event is an INVALID_EVENT ("tool_calls"). */
#define GL_MAX_TOOL_CALLS 256

/* A byte view. ptr == NULL means "field absent"; a present empty string has len 0 and ptr != NULL. */
typedef struct gl_str {
    const char *ptr;
    size_t len;
} gl_str;

typedef struct gl_tool_call {
    gl_str name;
    /* Unescaped string when "arguments" is a JSON string; the raw JSON text when it is an object/array. */
    gl_str arguments;
} gl_tool_call;

typedef enum gl_type {
    GL_TYPE_EVENT = 0,
    GL_TYPE_PING = 1,
    GL_TYPE_HELLO = 2,
} gl_type;

typedef enum gl_role {
    GL_ROLE_USER = 0,
    GL_ROLE_ASSISTANT = 1,
    GL_ROLE_TOOL = 2,
    GL_ROLE_SYSTEM = 3,
} gl_role;

typedef enum gl_status {
    GL_OK = 0,
    GL_ERR_INVALID_JSON = 1,   /* not a JSON object, syntax error, trailing garbage */
    GL_ERR_INVALID_UTF8 = 2,   /* the line is not valid UTF-8 */
    GL_ERR_INVALID_EVENT = 3,  /* valid JSON but a field is missing or has the wrong type; see error_field */
    GL_ERR_UNKNOWN_TYPE = 4,   /* "type" is a string other than event/ping/hello */
    GL_ERR_LINE_TOO_LONG = 5,  /* len > the max_line given to gl_parser_create */
} gl_status;

typedef struct gl_event {
    gl_type type;
    gl_str id;               /* also filled (when readable as a string) on INVALID_EVENT / UNKNOWN_TYPE */
    gl_str account_id;
    gl_str org_id;
    gl_str conversation_id;
    gl_role role;
    gl_str text;
    const gl_tool_call *tool_calls;  /* owned by the parser */
    size_t tool_call_count;
    double ts;               /* seconds since the epoch; valid when has_ts != 0 */
    int has_ts;
    int refusal;             /* meta.refusal == true */
    gl_str meta_raw;         /* raw JSON text of "meta" when present */
    gl_str responses;        /* hello: "verdict" or "none" */
    gl_str type_name;        /* the "type" string as sent (for unknown_type messages) */
    const char *error_field; /* INVALID_EVENT: static string naming the field, e.g. "account_id" */
    const char *error_detail;/* static string: "is required", "must be a string", ... */
    int error_index;         /* INVALID_EVENT in tool_calls: the element index; otherwise -1 */
} gl_event;

typedef struct gl_parser gl_parser;

/* Returns NULL on allocation failure. max_line is the largest input gl_parse accepts. */
gl_parser *gl_parser_create(size_t max_line);
void gl_parser_destroy(gl_parser *parser);

/*
 * Parses one line (without its terminating newline) into *out.
 *
 * Errors, in order of precedence: INVALID_UTF8 / INVALID_JSON (the whole line is
 * checked, including fields that are ignored), LINE_TOO_LONG (len > max_line),
 * INVALID_EVENT for a "type" that is not a string, UNKNOWN_TYPE, then
 * INVALID_EVENT for the first bad field in document order, then for missing
 * required fields. Fields of an event are not checked for ping and hello.
 * out->id is filled whenever an "id" string was read before the parse stopped,
 * whatever the status.
 * `capacity` is how many bytes starting at `line` are readable; when
 * capacity >= len + GL_PADDING no copy is made, otherwise the line is copied
 * into a padded buffer owned by the parser.
 */
gl_status gl_parse(gl_parser *parser, const char *line, size_t len, size_t capacity, gl_event *out);

/*
 * Parses an RFC 3339 date-time ("2026-11-29T08:34:42Z", with an optional
 * fraction, "Z" or a "+hh:mm"/"-hh:mm" offset) into seconds since the epoch.
 * Returns 1 on success, 0 when the text is not such a date-time. No locale.
 */
int gl_parse_rfc3339(const char *text, size_t len, double *out);

#ifdef __cplusplus
}
#endif
#endif
