"""Posts signed batches of usage.recorded events to the intake's POST /v1/events at a steady
offered rate for a fixed time, from several keep-alive connections, and prints what was accepted.
Every event id is new (tenant t, metric api_calls or ai_requests, quantity 1..9).

  post_usage.py --url http://127.0.0.1:18081 --secret S --rate 20000 --seconds 60 --batch 1000"""
import argparse
import hashlib
import hmac
import http.client
import threading
import time
import urllib.parse
import uuid


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--rate", type=int, default=20000, help="offered events per second")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.url)
    run = uuid.uuid4().hex[:8]
    occurred = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    batches_per_second = args.rate / args.batch
    lock = threading.Lock()
    state = {"next": 0, "accepted": 0, "refused": 0, "latencies": []}
    deadline = time.monotonic() + args.seconds
    start = time.monotonic()

    def body(first: int) -> bytes:
        items = []
        for n in range(first, first + args.batch):
            metric = "api_calls" if n % 4 else "ai_requests"
            items.append('{"id":"ub_%s_%d","type":"usage.recorded","occurred_at":"%s","tenant_id":"tenant_bench_%d",'
                         '"data":{"metric":"%s","quantity":%d}}' % (run, n, occurred, n % args.tenants, metric, 1 + n % 9))
        return ("[" + ",".join(items) + "]").encode()

    def worker() -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while True:
            with lock:
                index = state["next"]
                state["next"] += 1
            due = start + index / batches_per_second
            now = time.monotonic()
            if due >= deadline:
                return
            if due > now:
                time.sleep(due - now)
            payload = body(index * args.batch)
            stamp = int(time.time())
            signature = hmac.new(args.secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
            sent = time.monotonic()
            connection.request("POST", "/v1/events", body=payload,
                               headers={"Content-Type": "application/json", "Billing-Signature": f"t={stamp},v1={signature}"})
            response = connection.getresponse()
            response.read()
            with lock:
                state["latencies"].append(time.monotonic() - sent)
                if response.status == 202:
                    state["accepted"] += args.batch
                else:
                    state["refused"] += args.batch

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    latencies = sorted(state["latencies"]) or [0]
    print(f"offered {args.rate}/s for {args.seconds} s in batches of {args.batch}: accepted {state['accepted']} events "
          f"({state['accepted'] / elapsed:.0f}/s), refused {state['refused']}; batch latency p50 "
          f"{latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
