// All shims are static inline functions in CCofferShims.h; this file exists
// because a C target needs at least one source file.
#include "CCofferShims.h"
