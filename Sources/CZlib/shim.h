#ifndef KIOSK_CZLIB_SHIM_H
#define KIOSK_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit is a macro (it passes the header's version and struct size); Swift cannot
/// call macros, so it is wrapped here.
static inline int kiosk_inflate_init(z_stream *stream) { return inflateInit(stream); }
#endif
