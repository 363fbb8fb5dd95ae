/// What readiness depends on; each check answers whether its dependency is reachable now.
public struct ReadinessChecks: Sendable {
    var checks: [(name: String, check: @Sendable () async -> Bool)]

    /// The checks `GET /readyz` runs, each named (`broker`, `database`) in its answer.
    public init(_ checks: [(name: String, check: @Sendable () async -> Bool)]) {
        self.checks = checks
    }
}
