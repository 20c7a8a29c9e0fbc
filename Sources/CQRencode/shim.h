#ifndef KIOSK_CQRENCODE_SHIM_H
#define KIOSK_CQRENCODE_SHIM_H
#include <qrencode.h>
#include <errno.h>

/// errno after a failed libqrencode call, read in C so Swift sees the value the library set.
static inline int kiosk_qr_errno(void) { return errno; }
static inline void kiosk_qr_clear_errno(void) { errno = 0; }

#endif
