"""A webhook endpoint for the notification tests and benchmark, never used by the service.

    webhook_receiver.py --secret whsec_... --out FILE [--port P] [--fail-first N]

Verifies every request's Standard Webhooks signature with the reference `standardwebhooks`
library and appends one JSON line per request to FILE: {"id", "verified", "error", "status",
"body"}. Answers 503 to the first N requests, 410 to any path ending in /gone, 200 with a 1 MiB
body to any path ending in /chatty, 204 otherwise.
Prints "ready <port>" once listening; stops on SIGTERM.
"""
import argparse
import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


def main():
    # The test process may start us with SIGTERM blocked (its threads block signals they leave
    # to a handler); a blocked SIGTERM would never stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    verifier = Webhook(args.secret)
    lock = threading.Lock()
    state = {"seen": 0}
    out = open(args.out, "a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                verifier.verify(body, headers)
                verified, error = True, None
            except Exception as exc:  # any refusal is recorded, and answered 400
                verified, error = False, str(exc)
            with lock:
                state["seen"] += 1
                seen = state["seen"]
            if not verified:
                status = 400
            elif seen <= args.fail_first:
                status = 503
            elif self.path.endswith("/gone"):
                status = 410
            elif self.path.endswith("/chatty"):
                status = 200
            else:
                status = 204
            record = {"id": headers.get("webhook-id"), "verified": verified, "error": error, "status": status,
                      "path": self.path, "body": body.decode("utf-8", "replace")}
            with lock:
                out.write(json.dumps(record) + "\n")
            answer = b"x" * (1 << 20) if status == 200 else b""
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            try:
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender stopped reading after what it keeps: fine

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("ready %d" % server.server_address[1], flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


if __name__ == "__main__":
    main()
