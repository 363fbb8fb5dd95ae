"""Stripe's official Python SDK as an independent implementation of webhook signatures.

    stripe_sdk.py sign FILE SECRET [TIMESTAMP]   prints the Stripe-Signature header for FILE's bytes
    stripe_sdk.py verify FILE HEADER SECRET      exits 0 when the SDK accepts the header, 1 otherwise
"""
import sys

import stripe


def main() -> int:
    command, path = sys.argv[1], sys.argv[2]
    payload = open(path, "rb").read().decode("utf-8")
    if command == "sign":
        timestamp = int(sys.argv[4]) if len(sys.argv) > 4 else None
        print(stripe.WebhookSignature.generate_signature_header(payload, sys.argv[3], timestamp=timestamp))
        return 0
    if command == "verify":
        try:
            stripe.Webhook.construct_event(payload, sys.argv[3], sys.argv[4])
            return 0
        except stripe.SignatureVerificationError as error:
            print(f"refused: {error}", file=sys.stderr)
            return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
