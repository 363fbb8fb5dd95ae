/// What a plan includes.
public struct PlanLimits: Sendable, Hashable {
    /// User seats.
    public var users: Limit
    /// Projects.
    public var projects: Limit
    /// API calls per billing period.
    public var apiCallsPerPeriod: Limit
    /// Storage in GB.
    public var storageGB: Limit
    /// AI requests per UTC day.
    public var aiRequestsPerDay: Limit
    /// Sessions open at the same moment.
    public var concurrentSessions: Limit

    /// Limits from each allowance.
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
