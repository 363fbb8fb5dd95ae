"""A real SMTP server for the notification tests (aiosmtpd), never used by the service.

    smtp_sink.py --dir DIR [--port P] [--reject TEXT] [--tls-cert PEM --tls-key KEY] [--auth USER:PASSWORD]

Stores each accepted message as DIR/<n>.json (envelope, decoded headers, text and HTML parts),
parsed by Python's email package: an implementation independent of the one that wrote it.
Refuses with 550 any recipient containing TEXT. With a certificate it offers STARTTLS and
requires it. With --auth it requires AUTH with those credentials (over plain SMTP too, for
the test) and records the user. Prints "ready <port>" once listening; stops on SIGTERM.
"""
import argparse
import email
import email.policy
import json
import os
import signal
import ssl
import threading
import warnings
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = reject
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject in address:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "date": str(message["Date"]),
            "auto_submitted": str(message["Auto-Submitted"]),
            "text": text.get_content() if text else None,
            "html": html.get_content() if html else None,
            "tls": session.ssl is not None,
            "auth_user": session.auth_data.login.decode() if session.authenticated and session.auth_data else None,
            "received_at": time.time(),
        }
        name = os.path.join(self.directory, "%08d.json" % self.count)
        with open(name + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(name + ".tmp", name)
        return "250 2.0.0 Ok: queued as SINK%d" % self.count


def main():
    # The test process may start us with SIGTERM blocked (its threads block signals they leave
    # to a handler); a blocked SIGTERM would never stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reject", default="")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = args.port
    if port == 0:
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    options = {}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options = {"tls_context": context, "require_starttls": True}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")  # a test server on loopback
        options.update({"authenticator": authenticator, "auth_required": True, "auth_require_tls": False})
    controller = Controller(Sink(args.dir, args.reject), hostname="127.0.0.1", port=port, **options)
    controller.start()
    print("ready %d" % port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.2):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
