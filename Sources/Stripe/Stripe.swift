import BillingCore

/// Stripe: webhook signature verification, event decoding and the REST client (issue 3 on).
public enum StripeModule {}
