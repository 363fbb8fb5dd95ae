/// What a restricted service state allows (configured in `config/plans.yaml`).
public struct ServiceRestriction: Sendable, Hashable {
    public var access: AccessLevel
    public var aiRequests: Bool

    public init(access: AccessLevel, aiRequests: Bool) {
        self.access = access
        self.aiRequests = aiRequests
    }
}
