"""Writes COUNT signed Stripe webhooks (1-2 KB, a realistic mix of types) for wrk, one per line:
<Stripe-Signature header>\t<body>. Signed now, so use them within the 300 s tolerance."""
import argparse
import hashlib
import hmac
import json
import random
import time

TYPES = ["invoice.paid", "invoice.payment_succeeded", "invoice.finalized", "customer.subscription.updated",
         "customer.updated", "invoice.created", "charge.succeeded", "payment_intent.succeeded"]


def event(index: int, rng: random.Random) -> bytes:
    lines = [{"id": f"il_{index}_{n}", "object": "line_item", "amount": rng.randint(100, 80000), "currency": "usd",
              "description": f"Team plan seat {n}", "period": {"start": 1764000000, "end": 1766592000}}
             for n in range(rng.randint(3, 9))]
    payload = {"id": f"evt_bench_{index:08d}", "object": "event", "api_version": "2025-03-31.basil",
               "created": int(time.time()), "livemode": False, "type": rng.choice(TYPES),
               "data": {"object": {"id": f"in_{index}", "object": "invoice", "customer": f"cus_{index % 10000}",
                                   "status": "paid", "amount_due": 20000, "amount_paid": 20000, "lines": {"data": lines}}}}
    return json.dumps(payload, separators=(",", ":")).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    rng = random.Random(42)
    now = int(time.time())
    sizes = []
    for index in range(args.count):
        body = event(index, rng)
        sizes.append(len(body))
        signature = hmac.new(args.secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
        print(f"t={now},v1={signature}\t{body.decode()}")
    import sys
    print(f"bodies: {len(sizes)}, {min(sizes)}-{max(sizes)} bytes, mean {sum(sizes) // len(sizes)}", file=sys.stderr)


if __name__ == "__main__":
    main()
