/// A numbered schema change. Once landed, a migration is never edited: add a new one.
public struct Migration: Sendable {
    /// The version number; migrations run in its order.
    public let version: Int
    /// A short name, recorded with the version.
    public let name: String
    /// Run in order, in one transaction with the rest of the migration run.
    public let statements: [String]

    package init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

extension Migration {
    /// Every migration, in order. Append only.
    public static let all: [Migration] = [
        .m0001_inbox,
        .m0002_stripeEvents,
        .m0003_lifecycle,
        .m0004_lifecycleCommands,
        .m0005_dunning,
        .m0006_notifications,
        .m0007_usage,
        .m0008_usageTotals,
        .m0009_pendingCalls,
        .m0010_deliveryStarts,
    ]
}
