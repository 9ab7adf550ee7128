// guardline_json.cpp — one NDJSON line into a gl_event, with simdjson On-Demand.
//
// Why On-Demand: it unescapes only the strings we ask for, straight into the
// parser's string buffer, and allocates nothing per line once the parser has
// been sized for the longest line (see shared/PERFORMANCE.md).
//
// Trap: On-Demand is not a validating parser for values it *skips* (it only
// counts brackets). A line such as {"x":[},"id":"a"} would be accepted. So
// every value we do not read is walked by skip_value(), which checks its
// syntax fully. Known fields are cheap to walk; unknown ones are rare.
#include "guardline_json.h"

#include <simdjson.h>

#include <cstring>
#include <new>
#include <string_view>
#include <vector>

static_assert(GL_PADDING >= simdjson::SIMDJSON_PADDING, "GL_PADDING must cover simdjson's padding");

using simdjson::error_code;
namespace ondemand = simdjson::ondemand;

struct gl_parser {
    ondemand::parser parser;
    size_t max_line;
    // Holds lines whose buffers lack GL_PADDING readable bytes after them.
    char *scratch;
    // Reused across lines; capacity reserved up front, so push_back never allocates.
    std::vector<gl_tool_call> calls;

    explicit gl_parser(size_t max) : parser(max), max_line(max), scratch(nullptr) {}
};

namespace {

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
error_code skip_value(ondemand::value value, int depth) {
    if (depth > max_nesting) { return simdjson::DEPTH_ERROR; }
    ondemand::json_type type;
    SIMDJSON_TRY(value.type().get(type));
    switch (type) {
    case ondemand::json_type::object: {
        ondemand::object object;
        SIMDJSON_TRY(value.get_object().get(object));
        for (auto field : object) {
            std::string_view key;
            SIMDJSON_TRY(read_key(field, key));
            ondemand::value child;
            SIMDJSON_TRY(field.value().get(child));
            SIMDJSON_TRY(skip_value(child, depth + 1));
        }
        return simdjson::SUCCESS;
    }
    case ondemand::json_type::array: {
        ondemand::array array;
        SIMDJSON_TRY(value.get_array().get(array));
        for (auto element : array) {
            ondemand::value child;
            SIMDJSON_TRY(element.get(child));
            SIMDJSON_TRY(skip_value(child, depth + 1));
        }
        return simdjson::SUCCESS;
    }
    case ondemand::json_type::string: {
        // Only escapes need checking beyond stage 1; unescaping a string we drop is waste.
        std::string_view token = value.raw_json_token();
        if (std::memchr(token.data() + 1, '\\', token.size() - 1) == nullptr) {
            ondemand::raw_json_string raw;
            return value.get_raw_json_string().get(raw);
        }
        std::string_view text;
        return value.get_string().get(text);
    }
    case ondemand::json_type::number: {
        double number;
        return value.get_double().get(number);
    }
    case ondemand::json_type::boolean: {
        bool flag;
        return value.get_bool().get(flag);
    }
    case ondemand::json_type::null: {
        bool is_null;
        SIMDJSON_TRY(value.is_null().get(is_null));
        return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
    }
    return simdjson::TAPE_ERROR;
}

// The JSON text of an object/array value from its first byte up to the next structural
// character after it, with trailing whitespace trimmed. Validates the value on the way.
error_code capture_raw(ondemand::value value, gl_str *raw, bool *refusal) {
    const char *start = value.raw_json_token().data();
    if (refusal == nullptr) {
        SIMDJSON_TRY(skip_value(value, 1));
    } else {
        // meta: read refusal at the top level of the object; walk everything else.
        ondemand::object object;
        SIMDJSON_TRY(value.get_object().get(object));
        for (auto field : object) {
            std::string_view key;
            SIMDJSON_TRY(read_key(field, key));
            ondemand::value child;
            SIMDJSON_TRY(field.value().get(child));
            ondemand::json_type type;
            SIMDJSON_TRY(child.type().get(type));
            if (key == "refusal" && type == ondemand::json_type::boolean) {
                bool flag;
                SIMDJSON_TRY(child.get_bool().get(flag));
                *refusal = flag; // a repeated key: the last one wins, as in most JSON readers
            } else {
                SIMDJSON_TRY(skip_value(child, 2));
            }
        }
    }
    const char *end;
    SIMDJSON_TRY(value.current_location().get(end));
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r')) { end--; }
    raw->ptr = start;
    raw->len = size_t(end - start);
    return simdjson::SUCCESS;
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` decimal digits; false if any is not a digit.
inline bool read_digits(const char *s, int count, int *value) {
    int result = 0;
    for (int i = 0; i < count; i++) {
        if (!is_digit(s[i])) { return false; }
        result = result * 10 + (s[i] - '0');
    }
    *value = result;
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
inline long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

inline int days_in_month(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) { return 29; }
    return days[month - 1];
}

} // namespace

extern "C" {

// RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm); 't'/'z'/' ' accepted
// as RFC 3339 section 5.6 allows. No locale, no allocation.
int gl_parse_rfc3339(const char *s, size_t n, double *out) {
    int year, month, day, hour, minute, second;
    if (n < 20) { return 0; }
    if (!read_digits(s, 4, &year) || s[4] != '-' || !read_digits(s + 5, 2, &month) || s[7] != '-' ||
        !read_digits(s + 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !read_digits(s + 11, 2, &hour) || s[13] != ':' || !read_digits(s + 14, 2, &minute) || s[16] != ':' ||
        !read_digits(s + 17, 2, &second)) {
        return 0;
    }
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 60) {
        return 0;
    }
    size_t i = 19;
    double fraction = 0;
    if (s[i] == '.') {
        i++;
        size_t first = i;
        double scale = 0.1;
        while (i < n && is_digit(s[i])) {
            fraction += (s[i] - '0') * scale;
            scale *= 0.1;
            i++;
        }
        if (i == first) { return 0; }
    }
    if (i >= n) { return 0; }
    long long offset = 0;
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        int offset_hours, offset_minutes;
        if (n - i != 6 || !read_digits(s + i + 1, 2, &offset_hours) || s[i + 3] != ':' ||
            !read_digits(s + i + 4, 2, &offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
            return 0;
        }
        offset = (offset_hours * 60LL + offset_minutes) * 60LL;
        if (s[i] == '-') { offset = -offset; }
        i += 6;
    } else {
        return 0;
    }
    if (i != n) { return 0; }
    long long seconds = days_from_civil(year, unsigned(month), unsigned(day)) * 86400LL + hour * 3600LL +
                        minute * 60LL + second - offset;
    *out = double(seconds) + fraction;
    return 1;
}

} // extern "C"

namespace {

// Reads a field that must be a string (or null = absent).
error_code read_string(ondemand::value value, gl_str *target, field_error *error, const char *name) {
    ondemand::json_type type;
    SIMDJSON_TRY(value.type().get(type));
    if (type == ondemand::json_type::string) {
        std::string_view text;
        SIMDJSON_TRY(value.get_string().get(text));
        target->ptr = text.data();
        target->len = text.size();
        return simdjson::SUCCESS;
    }
    if (type == ondemand::json_type::null) {
        target->ptr = nullptr;
        target->len = 0;
    } else {
        error->note(name, "must be a string");
    }
    return skip_value(value, 1);
}

error_code read_tool_call(line_state &state, ondemand::value value, int index) {
    field_error &error = state.event_error;
    ondemand::json_type type;
    SIMDJSON_TRY(value.type().get(type));
    if (type != ondemand::json_type::object) {
        error.note("tool_calls", "elements must be objects", index);
        return skip_value(value, 2);
    }
    gl_tool_call call = {{nullptr, 0}, {nullptr, 0}};
    ondemand::object object;
    SIMDJSON_TRY(value.get_object().get(object));
    for (auto field : object) {
        std::string_view key;
        SIMDJSON_TRY(read_key(field, key));
        ondemand::value child;
        SIMDJSON_TRY(field.value().get(child));
        if (key == "name") {
            ondemand::json_type child_type;
            SIMDJSON_TRY(child.type().get(child_type));
            if (child_type == ondemand::json_type::string) {
                std::string_view text;
                SIMDJSON_TRY(child.get_string().get(text));
                call.name = {text.data(), text.size()};
            } else {
                call.name = {nullptr, 0};
                if (child_type != ondemand::json_type::null) { error.note("tool_calls.name", "must be a string", index); }
                SIMDJSON_TRY(skip_value(child, 3));
            }
        } else if (key == "arguments") {
            ondemand::json_type child_type;
            SIMDJSON_TRY(child.type().get(child_type));
            if (child_type == ondemand::json_type::string) {
                std::string_view text;
                SIMDJSON_TRY(child.get_string().get(text));
                call.arguments = {text.data(), text.size()};
            } else if (child_type == ondemand::json_type::object || child_type == ondemand::json_type::array) {
                SIMDJSON_TRY(capture_raw(child, &call.arguments, nullptr));
            } else {
                call.arguments = {nullptr, 0};
                if (child_type != ondemand::json_type::null) {
                    error.note("tool_calls.arguments", "must be a string or an object", index);
                }
                SIMDJSON_TRY(skip_value(child, 3));
            }
        } else {
            SIMDJSON_TRY(skip_value(child, 3));
        }
    }
    if (call.name.ptr == nullptr) { error.note("tool_calls.name", "is required", index); }
    if (state.parser->calls.size() < GL_MAX_TOOL_CALLS) {
        state.parser->calls.push_back(call);
    } else {
        error.note("tool_calls", "has more than " "256" " elements", -1);
    }
    return simdjson::SUCCESS;
}

error_code read_tool_calls(line_state &state, ondemand::value value) {
    ondemand::json_type type;
    SIMDJSON_TRY(value.type().get(type));
    if (type != ondemand::json_type::array) {
        if (type != ondemand::json_type::null) { state.event_error.note("tool_calls", "must be an array"); }
        return skip_value(value, 1);
    }
    state.parser->calls.clear(); // a repeated key: the last array wins
    ondemand::array array;
    SIMDJSON_TRY(value.get_array().get(array));
    int index = 0;
    for (auto element : array) {
        ondemand::value child;
        SIMDJSON_TRY(element.get(child));
        SIMDJSON_TRY(read_tool_call(state, child, index));
        index++;
    }
    return simdjson::SUCCESS;
}

error_code read_role(line_state &state, ondemand::value value) {
    gl_str name = {nullptr, 0};
    field_error local;
    SIMDJSON_TRY(read_string(value, &name, &local, "role"));
    if (local.field != nullptr) {
        state.event_error.note("role", local.detail);
        return simdjson::SUCCESS;
    }
    if (name.ptr == nullptr) {
        state.out->role = GL_ROLE_USER;
        return simdjson::SUCCESS;
    }
    std::string_view text(name.ptr, name.len);
    if (text == "user") {
        state.out->role = GL_ROLE_USER;
    } else if (text == "assistant") {
        state.out->role = GL_ROLE_ASSISTANT;
    } else if (text == "tool") {
        state.out->role = GL_ROLE_TOOL;
    } else if (text == "system") {
        state.out->role = GL_ROLE_SYSTEM;
    } else {
        state.event_error.note("role", "must be one of user, assistant, tool, system");
    }
    return simdjson::SUCCESS;
}

error_code read_timestamp(line_state &state, ondemand::value value) {
    ondemand::json_type type;
    SIMDJSON_TRY(value.type().get(type));
    gl_event *out = state.out;
    if (type == ondemand::json_type::number) {
        SIMDJSON_TRY(value.get_double().get(out->ts));
        out->has_ts = 1;
    } else if (type == ondemand::json_type::string) {
        std::string_view text;
        SIMDJSON_TRY(value.get_string().get(text));
        out->has_ts = gl_parse_rfc3339(text.data(), text.size(), &out->ts);
        if (!out->has_ts) { state.event_error.note("ts", "must be seconds since the epoch or an RFC 3339 date-time"); }
    } else {
        out->has_ts = 0;
        if (type != ondemand::json_type::null) {
            state.event_error.note("ts", "must be seconds since the epoch or an RFC 3339 date-time");
        }
        return skip_value(value, 1);
    }
    return simdjson::SUCCESS;
}

error_code read_meta(line_state &state, ondemand::value value) {
    ondemand::json_type type;
    SIMDJSON_TRY(value.type().get(type));
    gl_event *out = state.out;
    if (type == ondemand::json_type::object) {
        bool refusal = false;
        SIMDJSON_TRY(capture_raw(value, &out->meta_raw, &refusal));
        out->refusal = refusal ? 1 : 0;
        return simdjson::SUCCESS;
    }
    out->meta_raw = {nullptr, 0};
    out->refusal = 0;
    if (type != ondemand::json_type::null) { state.event_error.note("meta", "must be an object"); }
    return skip_value(value, 1);
}

error_code read_type(line_state &state, ondemand::value value) {
    field_error local;
    SIMDJSON_TRY(read_string(value, &state.out->type_name, &local, "type"));
    if (local.field != nullptr) { state.type_error.note("type", "must be a string"); }
    return simdjson::SUCCESS;
}

error_code read_field(line_state &state, std::string_view key, ondemand::value value) {
    gl_event *out = state.out;
    // Ordered by how often the field appears in real traffic.
    if (key == "id") { return read_string(value, &out->id, &state.event_error, "id"); }
    if (key == "account_id") { return read_string(value, &out->account_id, &state.event_error, "account_id"); }
    if (key == "text") { return read_string(value, &out->text, &state.event_error, "text"); }
    if (key == "role") { return read_role(state, value); }
    if (key == "ts") { return read_timestamp(state, value); }
    if (key == "org_id") { return read_string(value, &out->org_id, &state.event_error, "org_id"); }
    if (key == "conversation_id") {
        return read_string(value, &out->conversation_id, &state.event_error, "conversation_id");
    }
    if (key == "tool_calls") { return read_tool_calls(state, value); }
    if (key == "meta") { return read_meta(state, value); }
    if (key == "type") { return read_type(state, value); }
    if (key == "responses") { return read_string(value, &out->responses, &state.responses_error, "responses"); }
    return skip_value(value, 1);
}

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
