#ifndef KIOSK_CSSL_SHIM_H
#define KIOSK_CSSL_SHIM_H

// OpenSSL for Notify's TLS (SMTP STARTTLS, https webhooks). Several of the calls it needs are
// function-like macros over SSL_ctrl/BIO_ctrl, which Swift cannot import; they are wrapped
// here as functions with the kiosk_ prefix, each doing exactly what the macro does.

#include <stdio.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/// SNI: the name the server picks its certificate by (SSL_set_tlsext_host_name).
static inline int kiosk_ssl_set_sni(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// TLS 1.2 or newer only (SSL_CTX_set_min_proto_version).
static inline int kiosk_ssl_ctx_require_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

/// A retried SSL_write may be given the same bytes at a new address (a Swift array's storage
/// is not pinned between calls) (SSL_set_mode).
static inline void kiosk_ssl_allow_moving_write_buffer(SSL *ssl) {
    (void)SSL_set_mode(ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

/// What an empty memory BIO answers: -1 makes OpenSSL ask for more bytes (WANT_READ) instead
/// of taking it as the end of the stream (BIO_set_mem_eof_return).
static inline void kiosk_bio_set_mem_eof_return(BIO *bio, int value) {
    (void)BIO_set_mem_eof_return(bio, value);
}

/// Bytes waiting in a BIO (BIO_pending).
static inline size_t kiosk_bio_pending(BIO *bio) {
    return BIO_ctrl_pending(bio);
}

/// The earliest error on this thread's OpenSSL error queue as readable text (its reason, e.g.
/// "wrong version number"; the whole error string when it has no reason text), then the queue
/// cleared so the next operation starts clean. Returns 0 when the queue was empty.
static inline int kiosk_ssl_take_error(char *buffer, size_t size) {
    unsigned long code = ERR_get_error();
    if (code == 0 || size == 0) {
        ERR_clear_error();
        return 0;
    }
    const char *reason = ERR_reason_error_string(code);
    if (reason != NULL) {
        snprintf(buffer, size, "%s", reason);
    } else {
        ERR_error_string_n(code, buffer, size);
    }
    ERR_clear_error();
    return 1;
}

#endif
