/// What readiness depends on; each check answers whether its dependency is usable now.
public struct ReadinessChecks: Sendable {
    /// Each check answers nil when its dependency is ready, or the word `GET /readyz` shows for
    /// it otherwise (`unavailable`, `broker_blocked`).
    var checks: [(name: String, check: @Sendable () async -> String?)]

    /// The checks `GET /readyz` runs, each named (`broker`, `database`) in its answer: `ok`, or
    /// `unavailable` when the check answers false.
    public init(_ checks: [(name: String, check: @Sendable () async -> Bool)]) {
        self.checks = checks.map { name, check in (name, { @Sendable in await check() ? nil : "unavailable" }) }
    }

    /// Checks that say why they are not ready: each answers nil when ready, or the word shown
    /// for it (for example `broker_blocked` while the broker blocks publishing).
    public init(reporting checks: [(name: String, check: @Sendable () async -> String?)]) {
        self.checks = checks
    }
}
