#include "guardline_json.h"
