// Non-variadic wrappers over libcurl for SMTP delivery: Swift cannot call curl_easy_setopt,
// which is variadic. One call sends one message to one recipient on a reusable handle.
#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An opaque libcurl easy handle. Reusing one keeps its SMTP connection open between sends.
typedef struct ccurl_handle ccurl_handle;

/// Initialises libcurl once for the process; returns 0 on success.
int ccurl_global_init(void);

ccurl_handle *ccurl_handle_create(void);
void ccurl_handle_destroy(ccurl_handle *handle);

/// TLS on an `smtp://` URL: none, upgraded with STARTTLS when offered, or STARTTLS required.
/// An `smtps://` URL is TLS from the first byte whatever this says.
typedef enum {
    CCURL_TLS_NONE = 0,
    CCURL_TLS_OPPORTUNISTIC = 1,
    CCURL_TLS_REQUIRED = 2,
} ccurl_tls;

typedef struct {
    const char *url;           // smtp://host:port or smtps://host:port
    const char *username;      // NULL: no AUTH
    const char *password;
    const char *mail_from;     // the envelope sender, without angle brackets
    const char *recipient;     // the one envelope recipient, without angle brackets
    const unsigned char *message;  // the whole RFC 5322 message, CRLF line endings
    size_t message_length;
    ccurl_tls tls;
    const char *ca_file;       // NULL: the system's trust store
    long connect_timeout_ms;
    long timeout_ms;
} ccurl_smtp_request;

typedef struct {
    int curl_code;             // CURLE_OK (0) on success
    long response_code;        // the server's last SMTP reply code, 0 if none
    char error[256];           // libcurl's description of a failure
    char reply[256];           // the server's last reply line, e.g. "250 2.0.0 Ok: queued as 1A2B"
} ccurl_smtp_result;

/// Sends one message. Blocks the calling thread until the server answers or a timeout.
void ccurl_smtp_send(ccurl_handle *handle, const ccurl_smtp_request *request, ccurl_smtp_result *result);

#ifdef __cplusplus
}
#endif

#endif
