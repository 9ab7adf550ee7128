// guardline_json.cpp — one NDJSON line into a gl_event, with simdjson On-Demand.
//
// Why On-Demand: it unescapes only the strings we ask for, straight into the
// parser's string buffer, and allocates nothing per line once the parser has
// been sized for the longest line (see shared/PERFORMANCE.md).
//
// Files: this one holds the C entry points and the rules that turn what was
// read into a status; event_fields.cpp reads fields and validates skipped
// values (On-Demand alone does not); rfc3339.cpp parses timestamps;
// json_internal.hpp is shared by them.
#include "json_internal.hpp"

#include <cstring>
#include <new>

using namespace guardline;

namespace {

void reset(gl_event *out) {
    std::memset(out, 0, sizeof(*out));
    out->type = GL_TYPE_EVENT;
    out->role = GL_ROLE_USER;
    out->error_index = -1;
}

gl_status invalid_event(gl_event *out, const field_error &error) {
    out->error_field = error.field;
    out->error_detail = error.detail;
    out->error_index = error.index;
    return GL_ERR_INVALID_EVENT;
}

// Stage 1 reports UTF8_ERROR only when no other stage-1 error came first, and a syntax error
// found later hides nothing: check the bytes once more so bad UTF-8 anywhere wins.
gl_status json_failure(error_code error, const char *buf, size_t len) {
    if (error == simdjson::UTF8_ERROR || !simdjson::validate_utf8(buf, len)) { return GL_ERR_INVALID_UTF8; }
    return GL_ERR_INVALID_JSON;
}

} // namespace

extern "C" {

gl_parser *gl_parser_create(size_t max_line) {
    gl_parser *parser = new (std::nothrow) gl_parser(max_line);
    if (parser == nullptr) { return nullptr; }
    try {
        parser->calls.reserve(GL_MAX_TOOL_CALLS);
    } catch (...) {
        delete parser;
        return nullptr;
    }
    parser->scratch = new (std::nothrow) char[max_line + GL_PADDING];
    if (parser->scratch == nullptr || parser->parser.allocate(max_line == 0 ? 1 : max_line) != simdjson::SUCCESS) {
        delete[] parser->scratch;
        delete parser;
        return nullptr;
    }
    return parser;
}

void gl_parser_destroy(gl_parser *parser) {
    if (parser == nullptr) { return; }
    delete[] parser->scratch;
    delete parser;
}

gl_status gl_parse(gl_parser *parser, const char *line, size_t len, size_t capacity, gl_event *out) {
    reset(out);
    parser->calls.clear();
    if (len > parser->max_line) { return GL_ERR_LINE_TOO_LONG; }
    const char *buf = line;
    if (capacity < len + GL_PADDING) {
        std::memcpy(parser->scratch, line, len);
        buf = parser->scratch;
        capacity = parser->max_line + GL_PADDING;
    }

    ondemand::document document;
    error_code error = parser->parser.iterate(buf, len, capacity).get(document);
    if (error) { return json_failure(error, buf, len); }
    ondemand::object object;
    error = document.get_object().get(object);
    if (error) { return json_failure(error, buf, len); }

    line_state state{parser, out};
    for (auto field : object) {
        std::string_view key;
        error = read_key(field, key);
        if (error) { return json_failure(error, buf, len); }
        ondemand::value value;
        error = field.value().get(value);
        if (!error) { error = read_field(state, key, value); }
        if (error) { return json_failure(error, buf, len); }
    }
    // 3.0.1's document has no at_end(): current_location() is OUT_OF_BOUNDS exactly when
    // every structural character has been consumed, i.e. nothing trails the object.
    if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) { return GL_ERR_INVALID_JSON; }

    out->tool_calls = parser->calls.data();
    out->tool_call_count = parser->calls.size();

    if (state.type_error.field != nullptr) { return invalid_event(out, state.type_error); }
    if (out->type_name.ptr != nullptr) {
        std::string_view type(out->type_name.ptr, out->type_name.len);
        if (type == "ping") {
            out->type = GL_TYPE_PING;
            return GL_OK;
        }
        if (type == "hello") {
            out->type = GL_TYPE_HELLO;
            if (state.responses_error.field != nullptr) { return invalid_event(out, state.responses_error); }
            std::string_view mode(out->responses.ptr == nullptr ? "" : out->responses.ptr, out->responses.len);
            if (out->responses.ptr == nullptr) {
                field_error missing;
                missing.note("responses", "is required");
                return invalid_event(out, missing);
            }
            if (mode != "verdict" && mode != "none") {
                field_error wrong;
                wrong.note("responses", "must be \"verdict\" or \"none\"");
                return invalid_event(out, wrong);
            }
            return GL_OK;
        }
        if (type != "event") { return GL_ERR_UNKNOWN_TYPE; }
    }
    if (state.event_error.field != nullptr) { return invalid_event(out, state.event_error); }
    field_error missing;
    if (out->id.ptr == nullptr) {
        missing.note("id", "is required");
    } else if (out->account_id.ptr == nullptr) {
        missing.note("account_id", "is required");
    } else if (out->account_id.len == 0) {
        missing.note("account_id", "must not be empty");
    }
    if (missing.field != nullptr) { return invalid_event(out, missing); }
    return GL_OK;
}

} // extern "C"
