/// The pure billing domain: money, plans, the subscription state machine, dunning, usage. No I/O.
public enum BillingCore {}
