"""A minimal stand-in for Stripe's POST /v1/billing/meter_events for the reporter benchmark:
answers 200 in Stripe's shape, counts requests and distinct identifiers, prints them on SIGTERM."""
import json
import signal
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
seen = set()
count = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle and delayed ACKs hold
        # every answer for ~40 ms and the benchmark measures this server, not the reporter.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        global count
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        identifier = form.get("identifier", [""])[0]
        with lock:
            count += 1
            seen.add(identifier)
        body = json.dumps({"object": "billing.meter_event", "identifier": identifier,
                           "event_name": form.get("event_name", [""])[0]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)

    def stop(*_):
        print(f"fake Stripe: {count} meter events, {len(seen)} distinct identifiers", flush=True)
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()


if __name__ == "__main__":
    main()
