/// What a plan includes.
public struct PlanLimits: Sendable, Hashable {
    public var users: Limit
    public var projects: Limit
    /// API calls per billing period.
    public var apiCallsPerPeriod: Limit
    /// Storage in GB.
    public var storageGB: Limit
    public var aiRequestsPerDay: Limit
    public var concurrentSessions: Limit

    public init(users: Limit, projects: Limit, apiCallsPerPeriod: Limit, storageGB: Limit, aiRequestsPerDay: Limit,
                concurrentSessions: Limit) {
        self.users = users
        self.projects = projects
        self.apiCallsPerPeriod = apiCallsPerPeriod
        self.storageGB = storageGB
        self.aiRequestsPerDay = aiRequestsPerDay
        self.concurrentSessions = concurrentSessions
    }
}
