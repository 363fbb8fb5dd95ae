"""The parts of the fault suite: the real `billing` binary as separate processes, a Stripe-like
sender that retries until it gets a 2xx, the project's broker and database, and the checks that
end each scenario with exact counts. Used by fault_suite.py; Python only runs the tests."""
import hashlib
import hmac
import http.client
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import threading
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVICES = os.path.join(REPO, "deploy", "local", "services.sh")
WEBHOOK_SECRET = "whsec_fault_suite_secret"
OPS_TOKEN = "fault-suite-ops-token-0123456789"
CONFIRM_TIMEOUT_MS = 3000
HEARTBEAT_S = 2
SHUTDOWN_TIMEOUT_MS = 10000
# Every queue a customer.updated webhook lands in: the lifecycle consumer archives and applies
# every Stripe event; the dunning consumer watches customer updates.
CONSUMERS = ["lifecycle", "dunning"]


class Failure(Exception):
    """A scenario's check that did not hold."""


def log(*parts):
    print("[fault]", *parts, flush=True)


def services(*args, check=True, timeout=240):
    return subprocess.run([SERVICES, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout, check=check).stdout


def rabbitmqctl(*args, timeout=60):
    return services("ctl", *args, timeout=timeout)


def psql(sql, timeout=60):
    return services("psql", "-X", "-At", "-c", sql, timeout=timeout).strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def billing_binary():
    path = os.environ.get("BILLING_BIN") or os.path.join(REPO, ".build", "debug", "billing")
    if not os.access(path, os.X_OK):
        raise Failure(f"no billing executable at {path}: build first (swift build)")
    return path


class Billing:
    """One `billing serve` process on a port of its own, its log in a file."""

    started = []  # every process a scenario started, for the clean-up after it

    def __init__(self, name, workdir, extra_env=None, command=("serve",)):
        self.name = name
        self.command = list(command)
        self.port = free_port()
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.extra_env = extra_env or {}
        self.process = None

    def environment(self):
        env = dict(os.environ)
        amqp = env["BILLING_AMQP_URL"]
        env.update({
            "BILLING_AMQP_URL": amqp + ("&" if "?" in amqp else "?") + f"heartbeat={HEARTBEAT_S}",
            "BILLING_HTTP_HOST": "127.0.0.1",
            "BILLING_HTTP_PORT": str(self.port),
            "STRIPE_WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "STRIPE_API_KEY": "sk_test_fault_suite",
            "STRIPE_API_BASE": "http://127.0.0.1:9",  # nothing in these scenarios calls Stripe
            "BILLING_INTERNAL_SECRET": "fault-suite-internal-secret",
            "BILLING_OPS_TOKEN": OPS_TOKEN,
            "BILLING_LOG_LEVEL": "warning",
            "BILLING_AMQP_CONFIRM_TIMEOUT_MS": str(CONFIRM_TIMEOUT_MS),
            "BILLING_SHUTDOWN_TIMEOUT_MS": str(SHUTDOWN_TIMEOUT_MS),
        })
        env.update(self.extra_env)
        return env

    def start(self, migrate=False, timeout=60):
        args = [billing_binary(), *self.command] + (["--migrate", "--declare-topology"] if migrate else [])
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(args, cwd=REPO, env=self.environment(), stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        Billing.started.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure(f"{self.name} exited with {self.process.returncode} while starting; log {self.log_path}")
            if self.ready():
                return self
            time.sleep(0.2)
        raise Failure(f"{self.name} not ready within {timeout} s; log {self.log_path}")

    def ready(self):
        try:
            return get(f"http://127.0.0.1:{self.port}/readyz", timeout=2)[0] == 200
        except OSError:
            return False

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, bound):
        """SIGTERM; returns the seconds it took to exit, or raises when it outlives `bound`."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=bound)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise Failure(f"{self.name} did not exit within {bound} s of SIGTERM; log {self.log_path}")
        return time.monotonic() - started

    def metric(self, name):
        """The sum of a Prometheus counter over its labels."""
        status, body = get(f"http://127.0.0.1:{self.port}/metrics", timeout=5, headers={"Authorization": f"Bearer {OPS_TOKEN}"})
        total = 0.0
        for line in body.decode().splitlines():
            if line.startswith(name + "{") or line.startswith(name + " "):
                total += float(line.rsplit(" ", 1)[1])
        return total


def get(url, timeout, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def customer_event(event_id, index):
    tenant = f"ft{index % 500}"
    body = {"id": event_id, "object": "event", "api_version": "2025-03-31.basil", "created": int(time.time()),
            "livemode": False, "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
            "type": "customer.updated",
            "data": {"object": {"id": f"cus_{tenant}", "object": "customer", "email": f"billing@{tenant}.example",
                                "name": f"Company {tenant}", "metadata": {"tenant_id": tenant},
                                "invoice_settings": {"default_payment_method": None}, "livemode": False}}}
    return json.dumps(body, separators=(",", ":")).encode()


def sign(body):
    now = int(time.time())
    signature = hmac.new(WEBHOOK_SECRET.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={now},v1={signature}"


class Sender:
    """Delivers `count` webhooks as Stripe does: each until a 2xx, after a non-2xx or a failed
    connection trying again (0.2 s to 1 s later), on the next live process. `rate` paces the
    first tries (webhooks/s over all clients); None sends as fast as the clients go."""

    def __init__(self, run, count, ports, clients=10, rate=None, request_timeout=15):
        self.ids = [f"evt_fault_{run}_{n:06d}" for n in range(count)]
        self.ports = ports  # a list the scenario may change while sending
        self.clients = clients
        self.rate = rate
        self.request_timeout = request_timeout
        self.lock = threading.Lock()
        self.next = 0
        self.requests = 0
        self.accepted = set()
        self.non_2xx = {}
        self.connection_errors = 0
        self.longest = 0.0
        self.longest_non_2xx = 0.0
        self.latencies = []
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(clients)]

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def join(self, timeout):
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if any(thread.is_alive() for thread in self.threads):
            raise Failure(f"the sender did not finish within {timeout} s: {len(self.accepted)} of {len(self.ids)} accepted")

    def _take(self):
        with self.lock:
            if self.next >= len(self.ids):
                return None
            index = self.next
            self.next += 1
        if self.rate:
            due = self.started + index / self.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        return index

    def _client(self, number):
        rng = random.Random(number)
        while (index := self._take()) is not None:
            body = customer_event(self.ids[index], index)
            attempt = 0
            while True:
                ports = list(self.ports)
                port = ports[(index + attempt) % len(ports)]
                attempt += 1
                status, elapsed = self._post(port, body)
                with self.lock:
                    self.requests += 1
                    self.longest = max(self.longest, elapsed)
                    self.latencies.append(elapsed)
                    if status is None:
                        self.connection_errors += 1
                    elif 200 <= status < 300:
                        self.accepted.add(self.ids[index])
                    else:
                        self.non_2xx[status] = self.non_2xx.get(status, 0) + 1
                        self.longest_non_2xx = max(self.longest_non_2xx, elapsed)
                if status is not None and 200 <= status < 300:
                    break
                time.sleep(rng.uniform(0.2, 1.0))

    def _post(self, port, body):
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=self.request_timeout)
        try:
            connection.request("POST", "/webhooks/stripe", body=body,
                               headers={"Content-Type": "application/json", "Stripe-Signature": sign(body)})
            answer = connection.getresponse()
            answer.read()
            return answer.status, time.monotonic() - started
        except OSError:
            return None, time.monotonic() - started
        finally:
            connection.close()

    def percentile(self, fraction):
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0

    def summary(self):
        return {"webhooks": len(self.ids), "requests": self.requests, "accepted": len(self.accepted),
                "non_2xx": dict(self.non_2xx), "connection_errors": self.connection_errors,
                "longest_answer_s": round(self.longest, 3)}


def queue_depths():
    """messages and unacknowledged messages per billing queue."""
    out = rabbitmqctl("list_queues", "-q", "--no-table-headers", "name", "messages", "messages_unacknowledged")
    depths = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith("billing."):
            depths[parts[0]] = (int(parts[1]), int(parts[2]))
    return depths


def purge_billing_queues():
    for name in queue_depths():
        rabbitmqctl("purge_queue", name)


def processed(run, consumer):
    return int(psql(f"SELECT count(*) FROM processed_events WHERE consumer = '{consumer}' AND event_id LIKE 'evt_fault_{run}_%'"))


def wait_until_processed(run, expected, timeout):
    """Waits until every consumer has recorded `expected` events of this run; the counts seen."""
    deadline = time.monotonic() + timeout
    counts = {}
    while time.monotonic() < deadline:
        try:
            counts = {consumer: processed(run, consumer) for consumer in CONSUMERS}
        except (subprocess.SubprocessError, OSError):
            counts = {}
        if counts and all(count >= expected for count in counts.values()):
            return counts
        time.sleep(1)
    raise Failure(f"not all processed within {timeout} s: {counts} of {expected}; queues {queue_depths()}")


def dead_letters():
    return sum(messages + unacked for name, (messages, unacked) in queue_depths().items() if name.endswith(".dead"))


def check_exact(run, sender, scenario, timeout=180, expect_dead=0, processes=()):
    """Every accepted webhook processed exactly once by each consumer; none lost; the dead
    letters as expected. Returns the scenario's figures."""
    accepted = len(sender.accepted)
    if accepted != len(sender.ids):
        raise Failure(f"{scenario}: {accepted} of {len(sender.ids)} webhooks accepted")
    counts = wait_until_processed(run, accepted, timeout)
    # processed_events has (consumer, event_id) as its key, so a count equal to the accepted
    # ids is each exactly once; a second effect would have needed a second row.
    for consumer, count in counts.items():
        if count != accepted:
            raise Failure(f"{scenario}: {consumer} recorded {count} events for {accepted} accepted")
    archived = int(psql(f"SELECT count(*) FROM stripe_events WHERE id LIKE 'evt_fault_{run}_%'"))
    if archived != accepted:
        raise Failure(f"{scenario}: {archived} events archived for {accepted} accepted")
    dead = dead_letters()
    if dead != expect_dead:
        raise Failure(f"{scenario}: {dead} dead letters, expected {expect_dead}")
    figures = sender.summary()
    figures.update({"processed": counts, "dead_lettered": dead})
    # Deliveries that came again (a redelivery after a crash, a Stripe retry after a lost
    # answer) and were absorbed by the inbox, as counted by the processes still running.
    figures["duplicates_absorbed"] = int(sum(p.metric("billing_consumer_duplicates_total") for p in processes if p.alive()))
    return figures


INTERNAL_SECRET = "fault-suite-internal-secret"


def sign_with(secret, body):
    now = int(time.time())
    signature = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={now},v1={signature}"


def post(port, path, body, headers, timeout=15):
    """One POST; (status, body), or (None, b"") when the connection failed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        answer = connection.getresponse()
        return answer.status, answer.read()
    except OSError:
        return None, b""
    finally:
        connection.close()


def deliver_until_accepted(ports, path, body, signature_header, secret, deadline_s=120):
    """Posts `body` as Stripe (or the platform) does: again after a non-2xx, on the next port."""
    deadline = time.monotonic() + deadline_s
    attempt = 0
    while time.monotonic() < deadline:
        port = ports[attempt % len(ports)]
        attempt += 1
        status, _ = post(port, path, body, {signature_header: sign_with(secret, body)})
        if status is not None and 200 <= status < 300:
            return attempt
        time.sleep(0.3)
    raise Failure(f"{path}: not accepted within {deadline_s} s")


class FakeStripe:
    """Stripe's REST API as the consumers call it, on a real port: records every request,
    answers after `delay` seconds (so that a kill lands while calls are in flight), and replays
    the stored answer for an Idempotency-Key it has seen, as Stripe does."""

    def __init__(self, delay=0.2):
        self.delay = delay
        self.lock = threading.Lock()
        self.requests = []   # (method, path, idempotency key)
        self.effects = []    # the requests that took effect (first use of their key)
        self.stored = {}
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                key = self.headers.get("Idempotency-Key")
                time.sleep(fake.delay)
                with fake.lock:
                    fake.requests.append((self.command, self.path, key))
                    body = fake.stored.get(key) if key else None
                    if body is None:
                        parts = self.path.split("/")
                        body = json.dumps({"id": parts[3] if len(parts) > 3 else "obj", "object": parts[2].rstrip("s")}).encode()
                        fake.effects.append((self.command, self.path, key))
                        if key:
                            fake.stored[key] = body
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Request-Id", f"req_{random.randrange(10**12)}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = answer
            do_DELETE = answer
            do_GET = answer

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client killed mid-request (the point of the scenario) is not an error here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class SMTPSink:
    """Tests/tools/smtp_sink.py (aiosmtpd) as a process: every accepted message as a JSON file."""

    def __init__(self, workdir):
        self.directory = os.path.join(workdir, "mail")
        os.makedirs(self.directory, exist_ok=True)
        self.port = free_port()
        self.process = None

    def __enter__(self):
        tool = os.path.join(REPO, "Tests", "tools", "smtp_sink.py")
        python = os.environ.get("BILLING_TEST_PYTHON") or "python3"  # the test venv has aiosmtpd
        self.process = subprocess.Popen([python, tool, "--dir", self.directory, "--port", str(self.port)], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            raise Failure(f"the SMTP sink did not start: {line}")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)

    def messages(self):
        found = []
        for name in os.listdir(self.directory):
            if name.endswith(".json"):
                with open(os.path.join(self.directory, name)) as f:
                    found.append(json.load(f))
        return found
