#include "camqp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

static void copy_bytes(char *out, size_t out_len, amqp_bytes_t bytes) {
  size_t n = bytes.len < out_len - 1 ? bytes.len : out_len - 1;
  if (n > 0 && bytes.bytes != NULL) memcpy(out, bytes.bytes, n);
  out[n] = 0;
}

amqp_connection_state_t camqp_connect(const char *host, int port, int use_tls,
                                      int verify_peer, const char *ca_cert_path,
                                      const char *vhost, const char *user,
                                      const char *password, int heartbeat_seconds,
                                      int connect_timeout_ms, int rpc_timeout_ms,
                                      const char *connection_name,
                                      char *error, size_t error_len) {
  amqp_connection_state_t conn = amqp_new_connection();
  if (conn == NULL) {
    snprintf(error, error_len, "out of memory");
    return NULL;
  }
  amqp_socket_t *socket = NULL;
  if (use_tls) {
    socket = amqp_ssl_socket_new(conn);
    if (socket != NULL) {
      amqp_ssl_socket_set_verify_peer(socket, verify_peer);
      amqp_ssl_socket_set_verify_hostname(socket, verify_peer);
      if (ca_cert_path != NULL && ca_cert_path[0] != 0) {
        int status = amqp_ssl_socket_set_cacert(socket, ca_cert_path);
        if (status != AMQP_STATUS_OK) {
          snprintf(error, error_len, "cannot read CA certificate %s: %s", ca_cert_path,
                   amqp_error_string2(status));
          amqp_destroy_connection(conn);
          return NULL;
        }
      }
    }
  } else {
    socket = amqp_tcp_socket_new(conn);
  }
  if (socket == NULL) {
    snprintf(error, error_len, "cannot create socket");
    amqp_destroy_connection(conn);
    return NULL;
  }
  struct timeval connect_timeout = {connect_timeout_ms / 1000, (connect_timeout_ms % 1000) * 1000};
  int status = amqp_socket_open_noblock(socket, host, port, &connect_timeout);
  if (status != AMQP_STATUS_OK) {
    snprintf(error, error_len, "cannot connect to %s:%d: %s", host, port, amqp_error_string2(status));
    amqp_destroy_connection(conn);
    return NULL;
  }
  struct timeval handshake_timeout = connect_timeout;
  amqp_set_handshake_timeout(conn, &handshake_timeout);
  // librabbitmq merges these with its own properties (and its own capabilities table).
  amqp_table_entry_t capabilities[2];
  capabilities[0].key = amqp_cstring_bytes("connection.blocked");
  capabilities[0].value.kind = AMQP_FIELD_KIND_BOOLEAN;
  capabilities[0].value.value.boolean = 1;
  capabilities[1].key = amqp_cstring_bytes("consumer_cancel_notify");
  capabilities[1].value.kind = AMQP_FIELD_KIND_BOOLEAN;
  capabilities[1].value.value.boolean = 1;
  amqp_table_entry_t properties[2];
  properties[0].key = amqp_cstring_bytes("capabilities");
  properties[0].value.kind = AMQP_FIELD_KIND_TABLE;
  properties[0].value.value.table.num_entries = 2;
  properties[0].value.value.table.entries = capabilities;
  properties[1].key = amqp_cstring_bytes("connection_name");
  properties[1].value.kind = AMQP_FIELD_KIND_UTF8;
  properties[1].value.value.bytes = amqp_cstring_bytes(connection_name != NULL ? connection_name : "billing");
  amqp_table_t client_properties = {2, properties};
  amqp_rpc_reply_t reply = amqp_login_with_properties(conn, vhost, AMQP_DEFAULT_MAX_CHANNELS,
                                                      AMQP_DEFAULT_FRAME_SIZE, heartbeat_seconds,
                                                      &client_properties, AMQP_SASL_METHOD_PLAIN,
                                                      user, password);
  uint16_t reply_code;
  if (camqp_describe_reply(conn, 0, reply, &reply_code, error, error_len)) {
    amqp_destroy_connection(conn);
    return NULL;
  }
  if (rpc_timeout_ms > 0) {
    struct timeval rpc_timeout = {rpc_timeout_ms / 1000, (rpc_timeout_ms % 1000) * 1000};
    amqp_set_rpc_timeout(conn, &rpc_timeout);
  }
  return conn;
}

int camqp_socket_fd(amqp_connection_state_t conn) {
  return conn == NULL ? -1 : amqp_get_sockfd(conn);
}

void camqp_shutdown_socket(int fd) {
  if (fd >= 0) shutdown(fd, SHUT_RDWR);
}

void camqp_close(amqp_connection_state_t conn) {
  if (conn == NULL) return;
  amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
}

void camqp_destroy(amqp_connection_state_t conn) {
  if (conn == NULL) return;
  amqp_destroy_connection(conn);
}

int camqp_describe_reply(amqp_connection_state_t conn, amqp_channel_t channel,
                         amqp_rpc_reply_t reply, uint16_t *reply_code, char *error,
                         size_t error_len) {
  *reply_code = 0;
  switch (reply.reply_type) {
  case AMQP_RESPONSE_NORMAL:
    return 0;
  case AMQP_RESPONSE_NONE:
    snprintf(error, error_len, "missing RPC reply");
    return 1;
  case AMQP_RESPONSE_LIBRARY_EXCEPTION:
    snprintf(error, error_len, "%s", amqp_error_string2(reply.library_error));
    return 1;
  case AMQP_RESPONSE_SERVER_EXCEPTION:
    if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
      amqp_channel_close_t *m = (amqp_channel_close_t *)reply.reply.decoded;
      *reply_code = m->reply_code;
      char text[400];
      copy_bytes(text, sizeof text, m->reply_text);
      snprintf(error, error_len, "%s", text);
      amqp_channel_close_ok_t ok;
      amqp_send_method(conn, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    } else if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
      amqp_connection_close_t *m = (amqp_connection_close_t *)reply.reply.decoded;
      *reply_code = m->reply_code;
      char text[400];
      copy_bytes(text, sizeof text, m->reply_text);
      snprintf(error, error_len, "connection closed by broker: %s", text);
      amqp_connection_close_ok_t ok;
      amqp_send_method(conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
    } else {
      snprintf(error, error_len, "unexpected broker reply, method 0x%08X", reply.reply.id);
    }
    return 1;
  }
  return 1;
}

static void read_content(amqp_connection_state_t conn, camqp_event *event) {
  amqp_rpc_reply_t reply = amqp_read_message(conn, event->channel, &event->message, 0);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    event->kind = CAMQP_EVENT_ERROR;
    event->status = reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION ? reply.library_error : -1;
    snprintf(event->error, sizeof event->error, "reading message content failed: %s",
             reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
                 ? amqp_error_string2(reply.library_error)
                 : "unexpected frame");
    return;
  }
  event->has_message = 1;
}

void camqp_next_event(amqp_connection_state_t conn, int64_t timeout_us, camqp_event *event) {
  // Decoded frames live in the connection's pools until released, and nothing else releases
  // them on this low-level path: without this, memory grows with every frame received. The
  // previous event's strings point into those pools, so the caller must be done with it.
  amqp_maybe_release_buffers(conn);
  memset(event, 0, sizeof *event);
  amqp_frame_t frame;
  struct timeval timeout = {(time_t)(timeout_us / 1000000), (suseconds_t)(timeout_us % 1000000)};
  int status = amqp_simple_wait_frame_noblock(conn, &frame, &timeout);
  if (status == AMQP_STATUS_TIMEOUT) {
    event->kind = CAMQP_EVENT_NONE;
    return;
  }
  if (status != AMQP_STATUS_OK) {
    event->kind = CAMQP_EVENT_ERROR;
    event->status = status;
    snprintf(event->error, sizeof event->error, "%s", amqp_error_string2(status));
    return;
  }
  event->channel = frame.channel;
  if (frame.frame_type != AMQP_FRAME_METHOD) {
    event->kind = CAMQP_EVENT_OTHER;
    return;
  }
  void *decoded = frame.payload.method.decoded;
  switch (frame.payload.method.id) {
  case AMQP_BASIC_ACK_METHOD: {
    amqp_basic_ack_t *m = decoded;
    event->kind = CAMQP_EVENT_ACK;
    event->delivery_tag = m->delivery_tag;
    event->multiple = m->multiple;
    return;
  }
  case AMQP_BASIC_NACK_METHOD: {
    amqp_basic_nack_t *m = decoded;
    event->kind = CAMQP_EVENT_NACK;
    event->delivery_tag = m->delivery_tag;
    event->multiple = m->multiple;
    return;
  }
  case AMQP_BASIC_DELIVER_METHOD: {
    amqp_basic_deliver_t *m = decoded;
    event->kind = CAMQP_EVENT_DELIVER;
    event->delivery_tag = m->delivery_tag;
    event->redelivered = m->redelivered;
    event->exchange = m->exchange;
    event->routing_key = m->routing_key;
    event->consumer_tag = m->consumer_tag;
    read_content(conn, event);
    return;
  }
  case AMQP_BASIC_RETURN_METHOD: {
    amqp_basic_return_t *m = decoded;
    event->kind = CAMQP_EVENT_RETURN;
    event->reply_code = m->reply_code;
    event->reply_text = m->reply_text;
    event->exchange = m->exchange;
    event->routing_key = m->routing_key;
    read_content(conn, event);
    return;
  }
  case AMQP_BASIC_CANCEL_METHOD: {
    amqp_basic_cancel_t *m = decoded;
    event->kind = CAMQP_EVENT_CANCEL;
    event->consumer_tag = m->consumer_tag;
    return;
  }
  case AMQP_CHANNEL_CLOSE_METHOD: {
    amqp_channel_close_t *m = decoded;
    event->kind = CAMQP_EVENT_CHANNEL_CLOSED;
    event->reply_code = m->reply_code;
    event->reply_text = m->reply_text;
    amqp_channel_close_ok_t ok;
    amqp_send_method(conn, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    return;
  }
  case AMQP_CONNECTION_BLOCKED_METHOD: {
    amqp_connection_blocked_t *m = decoded;
    event->kind = CAMQP_EVENT_BLOCKED;
    event->reply_text = m->reason;
    return;
  }
  case AMQP_CONNECTION_UNBLOCKED_METHOD:
    event->kind = CAMQP_EVENT_UNBLOCKED;
    return;
  case AMQP_CONNECTION_CLOSE_METHOD: {
    amqp_connection_close_t *m = decoded;
    event->kind = CAMQP_EVENT_CONNECTION_CLOSED;
    event->reply_code = m->reply_code;
    event->reply_text = m->reply_text;
    amqp_connection_close_ok_t ok;
    amqp_send_method(conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
    return;
  }
  default:
    event->kind = CAMQP_EVENT_OTHER;
    return;
  }
}

void camqp_event_release(camqp_event *event) {
  if (event->has_message) {
    amqp_destroy_message(&event->message);
    event->has_message = 0;
  }
}

int camqp_has_buffered_frames(amqp_connection_state_t conn) {
  return amqp_frames_enqueued(conn) || amqp_data_in_buffer(conn);
}

void camqp_server_property(amqp_connection_state_t conn, const char *key, char *out,
                           size_t out_len) {
  out[0] = 0;
  amqp_table_t *properties = amqp_get_server_properties(conn);
  if (properties == NULL) return;
  size_t key_len = strlen(key);
  for (int i = 0; i < properties->num_entries; i++) {
    amqp_table_entry_t *entry = &properties->entries[i];
    if (entry->key.len == key_len && memcmp(entry->key.bytes, key, key_len) == 0 &&
        (entry->value.kind == AMQP_FIELD_KIND_UTF8 || entry->value.kind == AMQP_FIELD_KIND_BYTES)) {
      copy_bytes(out, out_len, entry->value.value.bytes);
      return;
    }
  }
}

int camqp_wakeup_create(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void camqp_wakeup_signal(int fd) {
  uint64_t one = 1;
  ssize_t ignored = write(fd, &one, sizeof one);
  (void)ignored; /* EAGAIN means the counter is already non-zero: the thread will wake anyway */
}

void camqp_wakeup_drain(int fd) {
  uint64_t value;
  ssize_t ignored = read(fd, &value, sizeof value);
  (void)ignored;
}

void camqp_wakeup_close(int fd) { close(fd); }

int camqp_wait(amqp_connection_state_t conn, int wakeup_fd, int timeout_ms) {
  struct pollfd fds[2];
  nfds_t count = 0;
  fds[count].fd = wakeup_fd;
  fds[count].events = POLLIN;
  count++;
  if (conn != NULL) {
    fds[count].fd = amqp_get_sockfd(conn);
    fds[count].events = POLLIN;
    count++;
  }
  int ready = poll(fds, count, timeout_ms);
  if (ready < 0) return errno == EINTR ? 0 : CAMQP_READY_ERROR;
  int mask = 0;
  if (fds[0].revents & POLLIN) mask |= CAMQP_READY_WAKEUP;
  if (count > 1 && fds[1].revents & (POLLIN | POLLHUP | POLLERR)) mask |= CAMQP_READY_SOCKET;
  return mask;
}
