/// What an invoice event does to its case, decided from the case as stored.
public enum DunningCaseDecision: Sendable, Hashable {
    /// Open the case with these steps.
    case open(DunningCase, [PlannedStep])
    /// Stripe failed again (its own retry, or ours): only the attempt count changes.
    case recordAttempt(attempts: Int)
    /// Close it: skip pending steps, restore service if no other case is open, and ask for a
    /// "payment recovered" notice when it was paid.
    case close(DunningCase.CloseReason, at: Int64)
    /// Remember that the invoice is settled, so its failure arriving late opens nothing.
    case closeBeforeOpening(DunningCase.CloseReason, at: Int64)
    /// Nothing to do, and why.
    case ignore(String)
}
