#ifndef KIOSK_CLIBPQ_SHIM_H
#define KIOSK_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>

/// Waits until the connection's socket is readable (`forWrite` 0) or writable (1), at most
/// `millis` ms. Returns >0 ready, 0 timed out, <0 error. poll() and its flag macros are
/// wrapped here so the Swift side needs no Glibc struct juggling.
static inline int kiosk_pq_wait(int fd, int forWrite, int millis) {
    struct pollfd p;
    p.fd = fd;
    p.events = forWrite ? POLLOUT : POLLIN;
    p.revents = 0;
    return poll(&p, 1, millis);
}

/// The five-character SQLSTATE of a failed result ("" when there is none). PG_DIAG_SQLSTATE is
/// a character-literal macro, which Swift does not import.
static inline const char *kiosk_pq_sqlstate(const PGresult *res) {
    const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    return s ? s : "";
}

/// The server's primary message of a failed result, without libpq's "ERROR:" prefix and
/// detail lines: one line for a guard's status bar.
static inline const char *kiosk_pq_primary(const PGresult *res) {
    const char *s = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    return s ? s : "";
}
#endif
