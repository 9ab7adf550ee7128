/* GuardlinePluginABI is a header-only target; SwiftPM needs one source file
 * to build a C target. Nothing lives here. */
#include "guardline_plugin.h"
