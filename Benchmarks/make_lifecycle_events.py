#!/usr/bin/env python3
"""Writes a realistic stream of Stripe lifecycle events, one JSON event per line.

Each of --subscriptions subscriptions lives through: customer.created; subscription created
(30% in trial, then trial_will_end and active); the first invoice (created, finalized, paid,
payment_succeeded); --cycles renewals, 15% of them with a failed payment, past_due and
recovery; 10% upgrade, 8% cancel at period end and are deleted. Events are merged by time
across subscriptions, with 5% of neighbours swapped (Stripe does not order deliveries).
Shapes are the 2025-03-31.basil ones (periods on items, invoice.parent).
"""
import argparse
import json
import random
import sys

PRICES = {
    "developer": ("price_developer_monthly", 5000),
    "team": ("price_team_monthly", 20000),
    "enterprise": ("price_enterprise_monthly", 80000),
}


def event(eid, etype, created, obj):
    return {"id": eid, "object": "event", "api_version": "2025-03-31.basil", "created": created, "livemode": False,
            "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}, "type": etype, "data": {"object": obj}}


def customer(cid, tenant):
    return {"id": cid, "object": "customer", "email": f"billing@{tenant}.example", "name": f"Company {tenant}",
            "metadata": {"tenant_id": tenant, "admin_email": f"admin@{tenant}.example"},
            "invoice_settings": {"default_payment_method": "pm_card_visa"}, "livemode": False}


def subscription(sid, cid, status, tier, start, trial=False, cancel=False, ended=None):
    price_id, amount = PRICES[tier]
    end = start + 30 * 86400
    item = {"id": f"si_{sid}", "object": "subscription_item", "quantity": 1, "current_period_start": start,
            "current_period_end": end,
            "price": {"id": price_id, "object": "price", "currency": "usd", "unit_amount": amount,
                      "recurring": {"interval": "month", "interval_count": 1}, "metadata": {},
                      "product": {"id": f"prod_{tier}", "metadata": {"plan_slug": tier}}}}
    return {"id": sid, "object": "subscription", "customer": cid, "status": status,
            "trial_start": start if trial else None, "trial_end": start + 14 * 86400 if trial else None,
            "cancel_at_period_end": cancel, "cancel_at": None, "canceled_at": ended, "ended_at": ended,
            "pause_collection": None, "discount": None, "metadata": {}, "created": start,
            "items": {"object": "list", "data": [item]}}


def invoice(iid, cid, sid, status, amount, attempts=0, paid_at=None):
    return {"id": iid, "object": "invoice", "customer": cid,
            "parent": {"type": "subscription_details", "subscription_details": {"subscription": sid}},
            "status": status, "currency": "usd", "amount_due": amount, "amount_paid": amount if status == "paid" else 0,
            "amount_remaining": 0 if status == "paid" else amount, "attempt_count": attempts,
            "next_payment_attempt": None, "billing_reason": "subscription_cycle",
            "hosted_invoice_url": f"https://invoice.stripe.com/i/{iid}", "status_transitions": {"paid_at": paid_at},
            "created": paid_at, "lines": {"object": "list", "data": []}}


def life(n, cycles, rng, run):
    tag = f"{run}{n:06d}"
    cid, sid = f"cus_{tag}", f"sub_{tag}"
    tier = rng.choice(["developer", "developer", "team", "team", "team", "enterprise"])
    t = 1_764_000_000 + rng.randrange(0, 86400 * 30)
    seq = 0
    out = []

    def emit(etype, obj, at):
        nonlocal seq
        out.append((at, f"evt_{tag}_{seq:03d}", etype, obj))
        seq += 1

    emit("customer.created", customer(cid, f"tenant_{tag}"), t)
    trial = rng.random() < 0.3
    emit("customer.subscription.created", subscription(sid, cid, "trialing" if trial else "active", tier, t, trial), t + 1)
    start = t
    if trial:
        emit("customer.subscription.trial_will_end", subscription(sid, cid, "trialing", tier, t, True), t + 11 * 86400)
        start = t + 14 * 86400
        emit("customer.subscription.updated", subscription(sid, cid, "active", tier, start), start)
    for cycle in range(cycles + 1):
        at = start + cycle * 30 * 86400
        if cycle > 0:
            emit("customer.subscription.updated", subscription(sid, cid, "active", tier, at), at)
        iid = f"in_{tag}_{cycle}"
        amount = PRICES[tier][1]
        emit("invoice.created", invoice(iid, cid, sid, "draft", amount), at + 1)
        emit("invoice.finalized", invoice(iid, cid, sid, "open", amount), at + 3600)
        if cycle > 0 and rng.random() < 0.15:
            emit("invoice.payment_failed", invoice(iid, cid, sid, "open", amount, 1), at + 3601)
            emit("customer.subscription.updated", subscription(sid, cid, "past_due", tier, at), at + 3602)
            paid = at + 3 * 86400
            emit("invoice.paid", invoice(iid, cid, sid, "paid", amount, 2, paid), paid)
            emit("invoice.payment_succeeded", invoice(iid, cid, sid, "paid", amount, 2, paid), paid)
            emit("customer.subscription.updated", subscription(sid, cid, "active", tier, at), paid + 1)
        else:
            emit("invoice.paid", invoice(iid, cid, sid, "paid", amount, 1, at + 3601), at + 3601)
            emit("invoice.payment_succeeded", invoice(iid, cid, sid, "paid", amount, 1, at + 3601), at + 3601)
        if cycle == 1 and tier != "enterprise" and rng.random() < 0.10:
            tier = "team" if tier == "developer" else "enterprise"
            emit("customer.subscription.updated", subscription(sid, cid, "active", tier, at), at + 7 * 86400)
    end = start + (cycles + 1) * 30 * 86400
    if rng.random() < 0.08:
        emit("customer.subscription.updated", subscription(sid, cid, "active", tier, end - 30 * 86400, cancel=True), end - 86400)
        emit("customer.subscription.deleted",
             subscription(sid, cid, "canceled", tier, end - 30 * 86400, cancel=True, ended=end), end)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=10000)
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run", default="b", help="prefix that makes ids unique to a run")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    events = []
    for n in range(args.subscriptions):
        events.extend(life(n, args.cycles, rng, args.run))
    events.sort(key=lambda e: e[0])
    for i in range(len(events) - 1):
        if rng.random() < 0.05:
            events[i], events[i + 1] = events[i + 1], events[i]
    write = sys.stdout.write
    for at, eid, etype, obj in events:
        write(json.dumps(event(eid, etype, at, obj), separators=(",", ":")))
        write("\n")
    print(f"{len(events)} events over {args.subscriptions} subscriptions", file=sys.stderr)


if __name__ == "__main__":
    main()
