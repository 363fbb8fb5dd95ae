/// What one dunning step does.
public enum DunningStepKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Ask Stripe to charge the invoice again (`POST /v1/invoices/{id}/pay`).
    case retry
    /// Request a notification to the schedule's roles.
    case notify
    /// A task for the account manager, and a notification to them.
    case outreach
    /// Restrict the tenant's service (entitlements read it) and notify.
    case degrade
    /// Suspend the tenant's service and notify.
    case suspend
    /// Cancel the subscription (when the policy says so after suspension).
    case cancel
}
