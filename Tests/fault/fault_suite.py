#!/usr/bin/env python3
"""The fault suite (issue 16): the real `billing serve` binary as separate processes against the
project's RabbitMQ and PostgreSQL, each scenario ended with exact counts: every acknowledged
webhook processed exactly once by each consumer it is routed to, none lost, none dead-lettered.

    Tests/fault/fault_suite.py [--only NAME[,NAME]] [--runtime-repeats N] [--json FILE]

Run by deploy/local/test.sh after `swift test` (the services up, the binary built). Exit status
0 when every scenario held; the figures are printed as one JSON object per scenario."""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from faults import (CONFIRM_TIMEOUT_MS, HEARTBEAT_S, INTERNAL_SECRET, SHUTDOWN_TIMEOUT_MS, WEBHOOK_SECRET, Billing, Failure, FakeStripe,
                    SMTPSink, Sender, check_exact, dead_letters, deliver_until_accepted, get, log, psql, purge_billing_queues,
                    queue_depths, rabbitmqctl, services)

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
    # An intake alone (no consumer whose acks would wait for the dead peer to be noticed) shut
    # down while the broker is frozen: its connection still looks alive, so it sends a close.
    # Its heartbeat is 30 s, as in production, so that librabbitmq's own heartbeat check does not
    # end the wait for the close either.
    amqp = os.environ["BILLING_AMQP_URL"]
    b = Billing("intake-b", work, {"BILLING_AMQP_URL": amqp + ("&" if "?" in amqp else "?") + "heartbeat=30"},
                command=("intake",)).start()
    sender = Sender(run, 1500, [a.port], rate=100).start()
    wait_accepted(sender, 300)
    pid = services("rabbitmq-pid").strip()
    subprocess.run(["kill", "-STOP", pid], check=True)
    frozen_at = time.monotonic()
    try:
        # The close it sends is never answered, and must not hold the exit.
        exited = {}
        signalled = time.monotonic()
        b.process.send_signal(signal.SIGTERM)
        waiter = threading.Thread(target=lambda: (b.process.wait(timeout=SHUTDOWN_TIMEOUT_MS / 1000 + 60),
                                                  exited.setdefault("at", time.monotonic())), daemon=True)
        waiter.start()
        noticed = wait_for(lambda: not a.ready(), 4 * HEARTBEAT_S + 2, "readiness to fail on a frozen broker") - frozen_at
        time.sleep(max(0.0, seconds - (time.monotonic() - frozen_at)))
    finally:
        subprocess.run(["kill", "-CONT", pid], check=True)
    sender.join(300)
    figures = check_exact(run, sender, "frozen-broker", processes=Billing.started)
    bound = CONFIRM_TIMEOUT_MS / 1000 + 1
    if sender.longest_non_2xx > bound:
        raise Failure(f"frozen-broker: a refusal took {sender.longest_non_2xx:.2f} s (bound {bound} s)")
    waiter.join(SHUTDOWN_TIMEOUT_MS / 1000 + 60)
    if "at" not in exited:
        raise Failure("frozen-broker: a serve did not exit within a minute of SIGTERM with the broker frozen")
    shutdown_frozen = exited["at"] - signalled
    if shutdown_frozen > SHUTDOWN_TIMEOUT_MS / 1000:
        raise Failure(f"frozen-broker: a serve shut down in {shutdown_frozen:.1f} s with the broker frozen (bound {SHUTDOWN_TIMEOUT_MS / 1000} s)")
    if noticed > 2 * HEARTBEAT_S + 1:
        raise Failure(f"frozen-broker: the dead peer was noticed after {noticed:.1f} s (heartbeat {HEARTBEAT_S} s)")
    figures.update({"frozen_s": seconds, "noticed_after_s": round(noticed, 2), "longest_refusal_s": round(sender.longest_non_2xx, 3),
                    "shutdown_with_frozen_broker_s": round(shutdown_frozen, 2)})
    a.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
    return figures


def stripe_event(event_id, event_type, obj):
    return json.dumps({"id": event_id, "object": "event", "api_version": "2025-03-31.basil", "created": int(time.time()),
                       "livemode": False, "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                       "type": event_type, "data": {"object": obj}}, separators=(",", ":")).encode()


def tenant_events(run, n):
    """A Team subscriber whose renewal payment failed: customer, subscription, failed invoice."""
    tag = f"s5_{run}_{n:04d}"
    customer = {"id": f"cus_{tag}", "object": "customer", "email": f"billing@{tag}.example", "name": f"Company {tag}",
                "metadata": {"tenant_id": f"tenant_{tag}", "admin_email": f"admin@{tag}.example"},
                "invoice_settings": {"default_payment_method": None}, "livemode": False}
    item = {"id": f"si_{tag}", "object": "subscription_item", "quantity": 1, "current_period_start": 1764000000,
            "current_period_end": 1766592000,
            "price": {"id": "price_team_monthly", "object": "price", "currency": "usd", "unit_amount": 9900,
                      "recurring": {"interval": "month", "interval_count": 1}, "metadata": {},
                      "product": {"id": "prod_team", "metadata": {"plan_slug": "team"}}}}
    subscription = {"id": f"sub_{tag}", "object": "subscription", "customer": f"cus_{tag}", "status": "past_due",
                    "trial_start": None, "trial_end": None, "cancel_at_period_end": False, "cancel_at": None, "canceled_at": None,
                    "ended_at": None, "pause_collection": None, "discount": None, "metadata": {}, "created": 1764000000,
                    "items": {"object": "list", "data": [item]}}
    invoice = {"id": f"in_{tag}", "object": "invoice", "customer": f"cus_{tag}",
               "parent": {"type": "subscription_details", "subscription_details": {"subscription": f"sub_{tag}"}},
               "status": "open", "currency": "usd", "amount_due": 9900, "amount_paid": 0, "amount_remaining": 9900,
               "attempt_count": 1, "next_payment_attempt": None, "billing_reason": "subscription_cycle",
               "hosted_invoice_url": f"https://invoice.stripe.com/i/in_{tag}", "status_transitions": {"paid_at": None},
               "created": 1764000000, "lines": {"object": "list", "data": []}}
    return tag, [stripe_event(f"evt_{tag}_c", "customer.updated", customer),
                 stripe_event(f"evt_{tag}_s", "customer.subscription.updated", subscription),
                 stripe_event(f"evt_{tag}_f", "invoice.payment_failed", invoice)]


def plan_change(tag):
    return json.dumps({"id": f"cmd_{tag}", "type": "subscription.change_plan_requested", "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "tenant_id": f"tenant_{tag}", "data": {"plan": "enterprise", "prorate": True, "effective": "immediate"}},
                      separators=(",", ":")).encode()


@scenario("stripe-calls")
def stripe_calls(work, tenants=120):
    """5. Four consumer processes of each kind on the same queues, one killed and restarted while
    commands call Stripe and again while dunning retries pay: every call made with one
    idempotency key per effect (Stripe applied each once), every notification sent once."""
    run = new_run()
    day_s = 20
    with FakeStripe(delay=1.0) as stripe, SMTPSink(work) as smtp:
        env = {"STRIPE_API_BASE": f"http://127.0.0.1:{stripe.port}", "BILLING_DAY_SECONDS": str(day_s),
               "BILLING_SCHEDULER_INTERVAL_MS": "200", "BILLING_PENDING_CALL_LEASE_MS": "10000",
               "BILLING_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "BILLING_SMTP_TLS": "none"}
        intake = Billing("intake", work, env, command=("intake",)).start()
        scheduler = Billing("scheduler", work, env, command=("schedule",)).start()
        kinds = ["--consumer", "lifecycle", "--consumer", "dunning", "--consumer", "notifications"]
        consumers = [Billing(f"consume-{n}", work, env, command=("consume", *kinds)).start() for n in range(4)]
        started = time.monotonic()
        tags = []

        def feed():
            for n in range(tenants):
                tag, events = tenant_events(run, n)
                tags.append(tag)
                for body in events:
                    deliver_until_accepted([intake.port], "/webhooks/stripe", body, "Stripe-Signature", WEBHOOK_SECRET)
                time.sleep(0.05)
            # The platform changes plans of subscriptions it knows exist.
            wait_for(lambda: int(psql(f"SELECT count(*) FROM subscriptions WHERE stripe_subscription_id LIKE 'sub_s5_{run}_%'")) == tenants,
                     120, "every subscription applied", interval=0.5)
            for tag in tags:
                deliver_until_accepted([intake.port], "/v1/events", plan_change(tag), "Billing-Signature", INTERNAL_SECRET)
                time.sleep(0.05)

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        # First kill: while the commands' calls are in flight (each answer takes a second).
        wait_for(lambda: sum(1 for m, p, k in stripe.effects if p.startswith("/v1/subscriptions/")) >= tenants // 4, 180,
                 "a quarter of the commands called")
        consumers[0].kill9()
        log(f"killed consume-0 (kill -9) with {len(stripe.requests)} Stripe requests made")
        consumers[0].start()
        feeder.join(300)
        # Second kill: while dunning's day-1 retries pay.
        wait_for(lambda: sum(1 for m, p, k in stripe.effects if p.endswith("/pay")) >= tenants // 4, day_s * 4 + 120,
                 "a quarter of the day-1 retries paid")
        consumers[1].kill9()
        log(f"killed consume-1 (kill -9) with {len(stripe.requests)} Stripe requests made")
        consumers[1].start()
        like = f"s5_{run}_%"

        def settled():
            counts = psql(f"""SELECT (SELECT count(*) FROM lifecycle_commands WHERE tenant_id LIKE 'tenant_{like}' AND status = 'sent')
                                  || ',' || (SELECT count(*) FROM dunning_cases WHERE tenant_id LIKE 'tenant_{like}' AND close_reason = 'paid')
                                  || ',' || (SELECT count(*) FROM pending_calls WHERE call_key LIKE '%{run}%')
                                  || ',' || (SELECT count(*) FROM notifications WHERE tenant_id LIKE 'tenant_{like}' AND status <> 'sent')
                                  || ',' || (SELECT count(*) FROM notifications WHERE tenant_id LIKE 'tenant_{like}')""")
            sent, paid, pending, unsent, notices = (int(x) for x in counts.split(","))
            return sent == tenants and paid == tenants and pending == 0 and unsent == 0 and notices > 0

        wait_for(settled, 420, "every command sent, every case paid, every notification sent", interval=1)
        took = time.monotonic() - started
        # Calls: per target (method and path) one idempotency key, and Stripe applied each once.
        keys = {}
        for method, path, key in stripe.requests:
            keys.setdefault((method, path), set()).add(key)
        mine = {target: k for target, k in keys.items() if run in target[1]}
        second_keys = {f"{m} {p}": sorted(k) for (m, p), k in mine.items() if len(k) != 1}
        if second_keys:
            raise Failure(f"stripe-calls: calls with a second idempotency key: {dict(list(second_keys.items())[:5])}")
        effects = [e for e in stripe.effects if run in e[1]]
        updates = sum(1 for m, p, k in effects if p.startswith("/v1/subscriptions/"))
        pays = sum(1 for m, p, k in effects if p.endswith("/pay"))
        if updates != tenants or pays != tenants:
            raise Failure(f"stripe-calls: {updates} plan changes and {pays} payments applied for {tenants} tenants")
        replays = sum(1 for r in stripe.requests if run in r[1]) - len(effects)
        if replays < 1:
            raise Failure("stripe-calls: no call was made again after a kill; the scenario did not kill a process during a call")
        # Notifications: every outbox row sent once; a repeat after a kill would carry the same Message-ID.
        sent_rows = int(psql(f"SELECT count(*) FROM notifications WHERE tenant_id LIKE 'tenant_{like}' AND status = 'sent'"))
        mails = [m for m in smtp.messages() if any(f"s5_{run}_" in r for r in m["rcpt_tos"])]
        distinct = {m["message_id"] for m in mails}
        if len(distinct) != sent_rows:
            raise Failure(f"stripe-calls: {len(distinct)} distinct emails received for {sent_rows} notifications sent")
        dead = dead_letters()
        if dead:
            raise Failure(f"stripe-calls: {dead} dead letters")
        figures = {"tenants": tenants, "stripe_requests": len(effects) + replays, "stripe_effects": len(effects),
                   "replayed_with_same_key": replays, "second_keys": 0, "notifications_sent": sent_rows, "emails_received": len(mails),
                   "email_repeats_same_message_id": len(mails) - len(distinct), "dead_lettered": dead, "seconds_to_settle": round(took, 1)}
        for process in [intake, scheduler, *consumers]:
            process.terminate(SHUTDOWN_TIMEOUT_MS / 1000 + 10)
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
                    for process in Billing.started:
                        tail_log(work, process.name)
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
