#!/usr/bin/env python3
"""The fault suite (issue 16): the real `billing serve` binary as separate processes against the
project's RabbitMQ and PostgreSQL, each scenario ended with exact counts: every acknowledged
webhook processed exactly once by each consumer it is routed to, none lost, none dead-lettered.

    Tests/fault/fault_suite.py [--only NAME[,NAME]] [--runtime-repeats N] [--json FILE]

Run by deploy/local/test.sh after `swift test` (the services up, the binary built). Exit status
0 when every scenario held; the figures are printed as one JSON object per scenario."""
import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time

from faults import (CONFIRM_TIMEOUT_MS, HEARTBEAT_S, SHUTDOWN_TIMEOUT_MS, Billing, Failure, Sender, check_exact, dead_letters,
                    get, log, psql, purge_billing_queues, queue_depths, rabbitmqctl, services)

SCENARIOS = {}


def scenario(name):
    def register(function):
        SCENARIOS[name] = function
        return function
    return register


def new_run():
    return f"{int(time.time() * 1000) % 10**10}"


def wait_for(condition, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(interval)
    raise Failure(f"{what} did not happen within {timeout} s")


def wait_accepted(sender, count, timeout=120):
    wait_for(lambda: len(sender.accepted) >= count, timeout, f"{count} webhooks accepted")


def broker_up():
    services("up", timeout=300)


@scenario("kill-serve")
def kill_serve(work):
    """1. kill -9 of one of two serve processes while 10 clients deliver 2,000 webhooks."""
    run = new_run()
    a, b = Billing("serve-a", work).start(), Billing("serve-b", work).start()
    sender = Sender(run, 2000, [a.port, b.port]).start()
    wait_accepted(sender, 500)
    a.kill9()
    log("killed serve-a (kill -9) after", len(sender.accepted), "accepted")
    sender.ports[:] = [b.port]
    sender.join(300)
    figures = check_exact(run, sender, "kill-serve", processes=Billing.started)
    b.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return figures


@scenario("kill-broker")
def kill_broker(work):
    """2. kill -9 of the broker, then a plain restart, under load."""
    run = new_run()
    a, b = Billing("serve-a", work).start(), Billing("serve-b", work).start()
    sender = Sender(run, 2000, [a.port, b.port], rate=400).start()
    wait_accepted(sender, 400)
    pid = services("rabbitmq-pid").strip()
    subprocess.run(["kill", "-9", pid], check=True)
    log("killed the broker (kill -9) after", len(sender.accepted), "accepted")
    time.sleep(2)
    broker_up()
    wait_accepted(sender, 1200, timeout=180)
    rabbitmqctl("stop_app")
    log("stopped the broker app after", len(sender.accepted), "accepted")
    time.sleep(3)
    rabbitmqctl("start_app")
    sender.join(300)
    figures = check_exact(run, sender, "kill-broker", processes=Billing.started)
    for process in (a, b):
        process.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return figures


@scenario("memory-alarm")
def memory_alarm(work):
    """3. A memory alarm during load: every request answers 503 within the confirm timeout, none
    hangs; after the alarm clears, 200 again; nothing lost."""
    run = new_run()
    a = Billing("serve-a", work).start()
    sender = Sender(run, 1500, [a.port], rate=150).start()
    wait_accepted(sender, 300)
    rabbitmqctl("set_vm_memory_high_watermark", "0.000001")
    alarm_started = len(sender.accepted)
    try:
        wait_for(lambda: sum(sender.non_2xx.values()) >= 50, 60, "50 answers refused during the alarm")
        refused_during = sum(sender.non_2xx.values())
        readiness = get(f"http://127.0.0.1:{a.port}/readyz", timeout=2)
        time.sleep(3)
    finally:
        rabbitmqctl("set_vm_memory_high_watermark", "0.4")
    sender.join(300)
    figures = check_exact(run, sender, "memory-alarm", processes=Billing.started)
    bound = CONFIRM_TIMEOUT_MS / 1000 + 1
    if sender.longest_non_2xx > bound:
        raise Failure(f"memory-alarm: a refusal took {sender.longest_non_2xx:.2f} s (bound {bound} s)")
    if readiness[0] != 503 or b"broker_blocked" not in readiness[1]:
        raise Failure(f"memory-alarm: /readyz answered {readiness} during the alarm")
    figures.update({"accepted_before_alarm": alarm_started, "refused_during_alarm": refused_during,
                    "longest_refusal_s": round(sender.longest_non_2xx, 3)})
    a.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return figures


@scenario("database-down")
def database_down(work, seconds=60):
    """4. PostgreSQL stopped for 60 s under load: nothing dead-lettered; all applied after it
    returns."""
    run = new_run()
    a, b = Billing("serve-a", work).start(), Billing("serve-b", work).start()
    sender = Sender(run, 2000, [a.port, b.port], rate=50).start()
    wait_accepted(sender, 300)
    services("postgres", "stop")
    log(f"stopped PostgreSQL for {seconds} s after", len(sender.accepted), "accepted")
    try:
        time.sleep(seconds)
        dead_during = dead_letters()
        not_ready = [p.name for p in (a, b) if not p.ready()]
    finally:
        services("postgres", "start")
    sender.join(300)
    figures = check_exact(run, sender, "database-down", processes=Billing.started)
    if dead_during:
        raise Failure(f"database-down: {dead_during} dead letters during the outage")
    if len(not_ready) != 2:
        raise Failure(f"database-down: only {not_ready} said not ready during the outage")
    waits = sum(p.metric("billing_consumer_database_waits_total") for p in (a, b))
    figures.update({"outage_s": seconds, "consumer_database_waits": waits})
    for process in (a, b):
        process.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return figures


@scenario("frozen-broker")
def frozen_broker(work, seconds=30):
    """6. The broker frozen (kill -STOP) for 30 s under load: the dead peer is noticed within two
    heartbeat intervals, requests answer 503 meanwhile, nothing is lost."""
    run = new_run()
    a = Billing("serve-a", work).start()
    sender = Sender(run, 1500, [a.port], rate=100).start()
    wait_accepted(sender, 300)
    pid = services("rabbitmq-pid").strip()
    subprocess.run(["kill", "-STOP", pid], check=True)
    frozen_at = time.monotonic()
    try:
        noticed = wait_for(lambda: not a.ready(), 4 * HEARTBEAT_S + 2, "readiness to fail on a frozen broker") - frozen_at
        time.sleep(max(0.0, seconds - (time.monotonic() - frozen_at)))
    finally:
        subprocess.run(["kill", "-CONT", pid], check=True)
    sender.join(300)
    figures = check_exact(run, sender, "frozen-broker", processes=Billing.started)
    bound = CONFIRM_TIMEOUT_MS / 1000 + 1
    if sender.longest_non_2xx > bound:
        raise Failure(f"frozen-broker: a refusal took {sender.longest_non_2xx:.2f} s (bound {bound} s)")
    if noticed > 2 * HEARTBEAT_S + 1:
        raise Failure(f"frozen-broker: the dead peer was noticed after {noticed:.1f} s (heartbeat {HEARTBEAT_S} s)")
    figures.update({"frozen_s": seconds, "noticed_after_s": round(noticed, 2), "longest_refusal_s": round(sender.longest_non_2xx, 3)})
    a.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return figures


@scenario("slow-clients")
def slow_clients(work):
    """7. 2,000 idle or byte-a-second connections to the intake while valid webhooks keep
    answering (p99 under one second); the server closes the slow ones at its header timeout."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))  # the serve process inherits it
    header_timeout_s = 5
    run = new_run()
    a = Billing("serve-a", work, {"BILLING_HTTP_HEADER_TIMEOUT_MS": str(header_timeout_s * 1000)}).start()
    sockets = []
    for n in range(2000):
        s = socket.create_connection(("127.0.0.1", a.port), timeout=5)
        s.setblocking(False)
        if n % 2:
            s.send(b"POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\n")  # a slow head: one more byte a second
        sockets.append(s)
    opened = time.monotonic()
    sender = Sender(run, 1000, [a.port], rate=100).start()
    closed = set()
    while sender.threads[0].is_alive() or any(t.is_alive() for t in sender.threads):
        for index, s in enumerate(sockets):
            if index in closed:
                continue
            try:
                if index % 2:
                    s.send(b"a")
                if s.recv(1024) == b"":  # non-blocking: b"" is end of file, BlockingIOError is still open
                    closed.add(index)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(index)
        time.sleep(1)
    closed_by = time.monotonic() - opened
    sender.join(60)
    figures = check_exact(run, sender, "slow-clients", processes=Billing.started)
    p99 = sender.percentile(0.99)
    for s in sockets:
        s.close()
    if p99 >= 1.0:
        raise Failure(f"slow-clients: p99 {p99:.3f} s with 2,000 slow connections open")
    if len(closed) < 1900:
        raise Failure(f"slow-clients: only {len(closed)} of 2,000 slow or idle connections closed by the server after {closed_by:.0f} s")
    figures.update({"slow_connections": 2000, "closed_by_server": len(closed), "p99_s": round(p99, 3),
                    "header_timeout_s": header_timeout_s})
    a.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return figures


@scenario("malformed")
def malformed(work):
    """8. 1,000 malformed requests: every one answered 4xx, the process alive, nothing published."""
    import hashlib
    import hmac
    from faults import WEBHOOK_SECRET
    a = Billing("serve-a", work).start()
    published = "billing_intake_publish_confirm_seconds_count"
    before = a.metric(published)

    def signed(body, secret=WEBHOOK_SECRET):
        now = int(time.time())
        return f"t={now},v1=" + hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()

    good = b'{"id":"evt_malformed","object":"event","type":"customer.updated","data":{"object":{}}}'
    cases = [
        ("no signature", {"Content-Type": "application/json"}, good),
        ("garbage signature", {"Content-Type": "application/json", "Stripe-Signature": "nonsense"}, good),
        ("upper-case hex", {"Content-Type": "application/json", "Stripe-Signature": signed(good).upper().replace("T=", "t=").replace("V1=", "v1=")}, good),
        ("foreign secret", {"Content-Type": "application/json", "Stripe-Signature": signed(good, "whsec_other")}, good),
        ("not JSON", {"Content-Type": "application/json"}, b"{not json"),
        ("NUL byte", {"Content-Type": "application/json"}, b'{"id":"evt_\x00","type":"x","data":{"object":{}}}'),
        ("invalid UTF-8", {"Content-Type": "application/json"}, b'{"id":"evt_\xff\xfe","type":"x","data":{"object":{}}}'),
        ("huge id", {"Content-Type": "application/json"}, json.dumps({"id": "evt_" + "x" * 300, "type": "customer.updated", "data": {"object": {}}}).encode()),
        ("huge type", {"Content-Type": "application/json"}, json.dumps({"id": "evt_t", "type": "t" * 300, "data": {"object": {}}}).encode()),
        ("wrong content type", {"Content-Type": "text/plain"}, good),
        ("no id", {"Content-Type": "application/json"}, b'{"type":"customer.updated","data":{"object":{}}}'),
        ("array", {"Content-Type": "application/json"}, b"[1,2,3]"),
    ]
    answers = {}
    for n in range(1000):
        name, headers, body = cases[n % len(cases)]
        headers = dict(headers)
        if name in ("not JSON", "NUL byte", "invalid UTF-8", "huge id", "huge type", "wrong content type", "no id", "array"):
            headers["Stripe-Signature"] = signed(body)
        status = post_raw(a.port, "/webhooks/stripe", headers, body)
        answers.setdefault(name, set()).add(status)
        if status is None or not 400 <= status < 500:
            raise Failure(f"malformed: '{name}' answered {status}")
    # A truncated body: the connection closes before Content-Length bytes arrive.
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", a.port), timeout=5) as s:
            s.sendall(b"POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Stripe-Signature: " + signed(good).encode() + b"\r\nContent-Length: 500\r\n\r\n{\"id\":")
    if not a.alive() or not a.ready():
        raise Failure("malformed: the process is not alive and ready after the malformed requests")
    after = a.metric(published)
    if after != before:
        raise Failure(f"malformed: {after - before} messages published")
    # The counter is the right one: a valid webhook moves it by one.
    valid = json.dumps({"id": f"evt_fault_malformed_control_{time.time_ns()}", "object": "event", "type": "customer.updated",
                        "created": int(time.time()), "data": {"object": {"id": "cus_control", "object": "customer"}}}).encode()
    status = post_raw(a.port, "/webhooks/stripe", {"Content-Type": "application/json", "Stripe-Signature": signed(valid)}, valid)
    if status != 200 or a.metric(published) != after + 1:
        raise Failure(f"malformed: the control webhook answered {status} and moved the publish counter by {a.metric(published) - after}")
    a.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return {"requests": 1020, "answers": {name: sorted(s) for name, s in answers.items()}, "published": after - before}


def post_raw(port, path, headers, body):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    except OSError:
        return None
    finally:
        connection.close()


@scenario("sigterm")
def sigterm(work):
    """9. SIGTERM under load: exits within the bound, and what it had accepted is all processed."""
    run = new_run()
    a, b = Billing("serve-a", work).start(), Billing("serve-b", work).start()
    sender = Sender(run, 2000, [a.port, b.port], rate=300).start()
    wait_accepted(sender, 600)
    took = a.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 5)
    log(f"serve-a exited {took:.1f} s after SIGTERM")
    sender.ports[:] = [b.port]
    sender.join(300)
    figures = check_exact(run, sender, "sigterm", processes=Billing.started)
    figures.update({"shutdown_s": round(took, 2), "shutdown_bound_s": SHUTDOWN_TIMEOUT_MS / 1000})
    b.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return figures


@scenario("runtime")
def runtime(work):
    """The stall of issue 16: two serve processes take 4,000 paced webhooks; one is killed with
    kill -9, the broker stops for 4 s and starts, the killed process starts again, then
    PostgreSQL restarts. Everything must drain, and both must exit within 30 s of SIGTERM."""
    run = new_run()
    a, b = Billing("serve-a", work).start(), Billing("serve-b", work).start()
    sender = Sender(run, 4000, [a.port, b.port], rate=250).start()
    wait_accepted(sender, 800)
    a.kill9()
    sender.ports[:] = [b.port]
    rabbitmqctl("stop_app")
    time.sleep(4)
    rabbitmqctl("start_app")
    a.start()
    sender.ports[:] = [a.port, b.port]
    wait_accepted(sender, 2000, timeout=180)
    services("postgres", "restart")
    sender.join(300)
    figures = check_exact(run, sender, "runtime", timeout=180, processes=Billing.started)
    exits = [round(p.terminate(30), 2) for p in (a, b)]
    figures.update({"shutdown_s": exits})
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="comma-separated scenario names: " + ", ".join(SCENARIOS))
    parser.add_argument("--runtime-repeats", type=int, default=3)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(SCENARIOS)
    results, failures = [], []
    with tempfile.TemporaryDirectory(prefix="fault-suite-") as work:
        first = Billing("migrate", work)
        first.start(migrate=True)
        first.terminate(30)
        for name in names:
            repeats = args.runtime_repeats if name == "runtime" else 1
            for repeat in range(repeats):
                label = name if repeats == 1 else f"{name} #{repeat + 1}"
                purge_billing_queues()
                started = time.monotonic()
                log("scenario", label)
                try:
                    figures = SCENARIOS[name](work)
                    figures = {"scenario": label, "seconds": round(time.monotonic() - started, 1), **figures}
                    results.append(figures)
                    print(json.dumps(figures), flush=True)
                except Exception as error:  # a failed check, or the scenario's own error: report, go on
                    failures.append(f"{label}: {error}")
                    log("FAILED", label, "-", error)
                    for log_name in ("serve-a", "serve-b"):
                        tail_log(work, log_name)
                finally:
                    cleanup()
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    if failures:
        log(f"{len(failures)} scenario(s) failed:")
        for failure in failures:
            log("  ", failure)
        return 1
    log(f"all {len(results)} scenario runs held")
    return 0


def tail_log(work, name):
    import os
    path = os.path.join(work, f"{name}.log")
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            lines = f.readlines()[-15:]
        log(f"last lines of {name}.log:")
        for line in lines:
            print("    " + line.rstrip()[:300], flush=True)


def cleanup():
    """Leaves the services as the next scenario needs them: broker running and unfrozen, no
    alarm, database up, no serve process of ours left."""
    for process in Billing.started:
        if process.alive():
            process.kill9()
    Billing.started.clear()
    try:
        pid = services("rabbitmq-pid", check=False).strip()
        if pid:
            subprocess.run(["kill", "-CONT", pid], check=False)
    except Exception:
        pass
    services("up", timeout=300)
    services("ctl", "start_app", check=False, timeout=60)
    rabbitmqctl("set_vm_memory_high_watermark", "0.4")


if __name__ == "__main__":
    sys.exit(main())
