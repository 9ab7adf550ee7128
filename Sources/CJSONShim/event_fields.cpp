// event_fields.cpp — reading the fields of one line, and validating what is skipped.
//
// Trap: On-Demand is not a validating parser for values it *skips* (it only
// counts brackets). A line such as {"x":[},"id":"a"} would be accepted. So
// every value we do not read is walked by skip_value(), which checks its
// syntax fully. Known fields are cheap to walk; unknown ones are rare.
#include "json_internal.hpp"

#include <cstring>

namespace guardline {

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

namespace {

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

} // namespace

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


} // namespace guardline
