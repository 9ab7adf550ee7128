// rfc3339.cpp — RFC 3339 timestamps for "ts", without locale or allocation.
#include "guardline_json.h"

namespace {

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
