/// What readiness depends on; each check answers whether its dependency is reachable now.
public struct ReadinessChecks: Sendable {
    public var checks: [(name: String, check: @Sendable () async -> Bool)]

    public init(_ checks: [(name: String, check: @Sendable () async -> Bool)]) {
        self.checks = checks
    }
}
