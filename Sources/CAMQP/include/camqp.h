#ifndef CAMQP_H
#define CAMQP_H

/// A thin, non-variadic C layer over librabbitmq (rabbitmq-c 0.11).
///
/// Swift cannot call variadic C functions such as `amqp_login`, and reading a frame means
/// walking C unions whose memory lives in the connection's pool; both are done here so the
/// Swift side only sees flat structs. Every function must be called on the thread that owns
/// the connection.

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#include <stdint.h>
#include <sys/time.h>

/// Opens the socket (plain TCP or TLS), logs in with PLAIN and returns the connection, or NULL
/// with a message written into `error` (at most `error_len` bytes, NUL-terminated). The client
/// properties name the connection (`connection_name`, shown by the broker's tools) and advertise
/// the `connection.blocked` and `consumer_cancel_notify` capabilities.
amqp_connection_state_t camqp_connect(const char *host, int port, int use_tls,
                                      int verify_peer, const char *ca_cert_path,
                                      const char *vhost, const char *user,
                                      const char *password, int heartbeat_seconds,
                                      int connect_timeout_ms, int rpc_timeout_ms,
                                      const char *connection_name,
                                      char *error, size_t error_len);

/// The connection's socket descriptor (-1 when it has none).
int camqp_socket_fd(amqp_connection_state_t conn);

/// Shuts the socket down in both directions, from any thread: a write or poll blocked on it
/// returns with an error, so the owning thread sees the connection as lost. The descriptor
/// stays open (the owning thread closes it).
void camqp_shutdown_socket(int fd);


/// Sends connection.close and waits for close-ok (up to the RPC timeout); the socket stays open.
void camqp_close(amqp_connection_state_t conn);
/// Frees a connection and closes its socket, without talking to the broker.
void camqp_destroy(amqp_connection_state_t conn);

/// Describes an `amqp_rpc_reply_t` failure in `error`; returns 0 when the reply is normal.
/// When the broker closed the channel, also answers channel.close-ok so the channel id can be
/// reopened, and stores the reply code in `reply_code`.
int camqp_describe_reply(amqp_connection_state_t conn, amqp_channel_t channel,
                         amqp_rpc_reply_t reply, uint16_t *reply_code, char *error,
                         size_t error_len);

typedef enum {
  CAMQP_EVENT_NONE = 0,         /* no complete frame within the timeout */
  CAMQP_EVENT_ACK,              /* basic.ack (publisher confirm) */
  CAMQP_EVENT_NACK,             /* basic.nack (publisher confirm) */
  CAMQP_EVENT_DELIVER,          /* basic.deliver with its message */
  CAMQP_EVENT_RETURN,           /* basic.return with its message */
  CAMQP_EVENT_CANCEL,           /* basic.cancel from the broker (queue deleted, ...) */
  CAMQP_EVENT_CHANNEL_CLOSED,   /* channel.close from the broker; close-ok already sent */
  CAMQP_EVENT_CONNECTION_CLOSED,/* connection.close from the broker; close-ok already sent */
  CAMQP_EVENT_BLOCKED,          /* connection.blocked: the broker stopped reading publishes (reply_text: why) */
  CAMQP_EVENT_UNBLOCKED,        /* connection.unblocked */
  CAMQP_EVENT_OTHER,            /* a frame nobody waits for */
  CAMQP_EVENT_ERROR             /* socket or protocol error: the connection is unusable */
} camqp_event_kind;

/// One thing read off the connection. Byte fields point into librabbitmq's pool or into
/// `message`: copy them, then call `camqp_event_release`.
typedef struct {
  camqp_event_kind kind;
  amqp_channel_t channel;
  uint64_t delivery_tag;
  int multiple;
  int redelivered;
  uint16_t reply_code;
  amqp_bytes_t reply_text;
  amqp_bytes_t exchange;
  amqp_bytes_t routing_key;
  amqp_bytes_t consumer_tag;
  int has_message;
  amqp_message_t message;
  int status; /* librabbitmq status code for CAMQP_EVENT_ERROR */
  char error[256];
} camqp_event;

/// Waits up to `timeout_us` microseconds (0: only what is already readable) for one frame and
/// classifies it. Also sends heartbeats when due.
void camqp_next_event(amqp_connection_state_t conn, int64_t timeout_us, camqp_event *event);

/// Frees what `camqp_next_event` allocated for the event.
void camqp_event_release(camqp_event *event);

/// True when a frame is already buffered, so polling the socket would wait needlessly.
int camqp_has_buffered_frames(amqp_connection_state_t conn);

/// A server property (e.g. "version") as a string, or empty when absent.
void camqp_server_property(amqp_connection_state_t conn, const char *key, char *out,
                           size_t out_len);

/// An eventfd the owning thread polls beside the socket, so other threads can wake it.
int camqp_wakeup_create(void);
void camqp_wakeup_signal(int fd);
void camqp_wakeup_drain(int fd);
void camqp_wakeup_close(int fd);

enum { CAMQP_READY_SOCKET = 1, CAMQP_READY_WAKEUP = 2, CAMQP_READY_ERROR = 4 };

/// Polls the connection's socket (when `conn` is not NULL) and the wake-up fd for up to
/// `timeout_ms`; returns a mask of CAMQP_READY_* flags.
int camqp_wait(amqp_connection_state_t conn, int wakeup_fd, int timeout_ms);

#endif
