// json_internal.hpp — shared by the shim's translation units; not part of the C ABI.
#ifndef GUARDLINE_JSON_INTERNAL_HPP
#define GUARDLINE_JSON_INTERNAL_HPP

#include "guardline_json.h"

#include <simdjson.h>

#include <string_view>
#include <vector>

static_assert(GL_PADDING >= simdjson::SIMDJSON_PADDING, "GL_PADDING must cover simdjson's padding");

struct gl_parser {
    simdjson::ondemand::parser parser;
    size_t max_line;
    // Holds lines whose buffers lack GL_PADDING readable bytes after them.
    char *scratch;
    // Reused across lines; capacity reserved up front, so push_back never allocates.
    std::vector<gl_tool_call> calls;

    explicit gl_parser(size_t max) : parser(max), max_line(max), scratch(nullptr) {}
};

namespace guardline {

using simdjson::error_code;
namespace ondemand = simdjson::ondemand;

// Nesting deeper than this is reported as invalid JSON (it also bounds our recursion).
constexpr int max_nesting = 256;

// Where an INVALID_EVENT came from; the first one seen in document order wins.
struct field_error {
    const char *field = nullptr;
    const char *detail = nullptr;
    int index = -1;

    void note(const char *f, const char *d, int i = -1) {
        if (field == nullptr) { field = f; detail = d; index = i; }
    }
};

struct line_state {
    gl_parser *parser;
    gl_event *out;
    field_error event_error;     // applies when the line turns out to be an event
    field_error responses_error; // applies when the line turns out to be a hello
    field_error type_error;      // applies always
    bool type_seen = false;
};

// A field's key. Without a backslash the raw bytes are the key (stage 1 has already checked
// UTF-8, quotes and control characters), which saves a parse_string call per key; with one,

// A field's key. Without a backslash the raw bytes are the key (stage 1 has already checked
// UTF-8, quotes and control characters), which saves a parse_string call per key; with one,
// simdjson unescapes (and validates) it.
inline error_code read_key(simdjson::simdjson_result<ondemand::field> &field, std::string_view &key) {
    ondemand::raw_json_string raw;
    SIMDJSON_TRY(field.key().get(raw));
    const char *start = raw.raw();
    const char *end = start;
    while (*end != '"' && *end != '\\') { end++; } // the closing quote exists: stage 1 matched it
    if (*end == '"') {
        key = std::string_view(start, size_t(end - start));
        return simdjson::SUCCESS;
    }
    return field.unescaped_key().get(key);
}


// Walks a value completely, validating its syntax and every string escape, and keeps nothing.
error_code skip_value(ondemand::value value, int depth);

// Reads one top-level field of a line into state.out (or notes why it is invalid).
error_code read_field(line_state &state, std::string_view key, ondemand::value value);

} // namespace guardline

#endif
