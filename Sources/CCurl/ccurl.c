#include "ccurl.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ccurl_handle {
    CURL *easy;
};

int ccurl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

ccurl_handle *ccurl_handle_create(void) {
    CURL *easy = curl_easy_init();
    if (easy == NULL) return NULL;
    ccurl_handle *handle = malloc(sizeof(ccurl_handle));
    if (handle == NULL) {
        curl_easy_cleanup(easy);
        return NULL;
    }
    handle->easy = easy;
    return handle;
}

void ccurl_handle_destroy(ccurl_handle *handle) {
    if (handle == NULL) return;
    curl_easy_cleanup(handle->easy);
    free(handle);
}

typedef struct {
    const unsigned char *data;
    size_t length;
    size_t offset;
} upload_state;

static size_t read_message(char *buffer, size_t size, size_t count, void *userdata) {
    upload_state *state = userdata;
    size_t room = size * count;
    size_t left = state->length - state->offset;
    size_t n = left < room ? left : room;
    memcpy(buffer, state->data + state->offset, n);
    state->offset += n;
    return n;
}

// libcurl hands SMTP server replies to the header callback; the last one is the answer to
// the end of DATA, which names the queued message.
static size_t keep_reply(char *buffer, size_t size, size_t count, void *userdata) {
    ccurl_smtp_result *result = userdata;
    size_t n = size * count;
    size_t keep = n < sizeof(result->reply) - 1 ? n : sizeof(result->reply) - 1;
    while (keep > 0 && (buffer[keep - 1] == '\r' || buffer[keep - 1] == '\n')) keep--;
    if (keep == 0) return n;
    memcpy(result->reply, buffer, keep);
    result->reply[keep] = '\0';
    return n;
}

void ccurl_smtp_send(ccurl_handle *handle, const ccurl_smtp_request *request, ccurl_smtp_result *result) {
    memset(result, 0, sizeof(*result));
    CURL *easy = handle->easy;
    // Reset clears the options but keeps the connection cache, so the next send to the same
    // server reuses the open connection.
    curl_easy_reset(easy);

    char from[512], to[512];
    snprintf(from, sizeof(from), "<%s>", request->mail_from);
    snprintf(to, sizeof(to), "<%s>", request->recipient);
    struct curl_slist *recipients = curl_slist_append(NULL, to);
    upload_state upload = {request->message, request->message_length, 0};
    char error[CURL_ERROR_SIZE];
    error[0] = '\0';

    curl_easy_setopt(easy, CURLOPT_URL, request->url);
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(easy, CURLOPT_READDATA, &upload);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)request->message_length);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, keep_reply);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, result);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, request->timeout_ms);
    switch (request->tls) {
    case CCURL_TLS_REQUIRED: curl_easy_setopt(easy, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL); break;
    case CCURL_TLS_OPPORTUNISTIC: curl_easy_setopt(easy, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY); break;
    default: curl_easy_setopt(easy, CURLOPT_USE_SSL, (long)CURLUSESSL_NONE); break;
    }
    if (request->ca_file != NULL) curl_easy_setopt(easy, CURLOPT_CAINFO, request->ca_file);
    if (request->username != NULL) {
        curl_easy_setopt(easy, CURLOPT_USERNAME, request->username);
        curl_easy_setopt(easy, CURLOPT_PASSWORD, request->password != NULL ? request->password : "");
    }

    CURLcode code = curl_easy_perform(easy);
    result->curl_code = (int)code;
    long response = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response);
    result->response_code = response;
    if (code != CURLE_OK) {
        const char *text = error[0] != '\0' ? error : curl_easy_strerror(code);
        snprintf(result->error, sizeof(result->error), "%s", text);
    }
    // The options point at this frame's memory: clear them before returning.
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(easy, CURLOPT_READDATA, NULL);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, NULL);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(recipients);
}
