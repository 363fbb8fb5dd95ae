import BillingCore
import ConfigurationFiles
import Foundation

/// Reads `config/dunning.yaml` into a ``DunningPolicy``: decoded into ``Document``, then
/// checked by ``Document/validate(file:)``; errors name the file and the key.
public enum DunningPolicyFile {
    /// Reads and checks the policy at `path`.
    public static func load(path: String) throws(ConfigurationFileError) -> DunningPolicy {
        try YAMLFile.load(Document.self, path: path)
    }

    /// Reads and checks a policy's text; `file` names it in errors.
    package static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> DunningPolicy {
        try YAMLFile.parse(Document.self, yaml: text, file: file)
    }

    /// The file as written.
    struct Document: ConfigurationDocument {
        var retries: String?
        var afterSuspension: AfterSuspension?
        var schedules: [String: ScheduleEntry]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case retries, schedules
            case afterSuspension = "after_suspension"
        }
    }

    /// `stay_suspended`, or `{cancel_after_days: N}`.
    enum AfterSuspension: Decodable {
        case named(String)
        case cancel(Strict<Cancel>)

        init(from decoder: any Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self) {
                self = .named(name)
            } else {
                self = .cancel(try Strict<Cancel>(from: decoder))
            }
        }
    }

    struct Cancel: StrictDecodable {
        var cancelAfterDays: Int?

        enum CodingKeys: String, CodingKey, CaseIterable { case cancelAfterDays = "cancel_after_days" }
    }

    /// A plan's schedule, or the name of the plan whose schedule it follows.
    enum ScheduleEntry: Decodable {
        case alias(String)
        case schedule(Strict<Schedule>)

        init(from decoder: any Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self) {
                self = .alias(name)
            } else {
                self = .schedule(try Strict<Schedule>(from: decoder))
            }
        }
    }

    struct Schedule: StrictDecodable {
        var graceDays: Int?
        var retryDays: DayList?
        var notifyDays: DayList?
        var notifyRoles: [String]?
        var outreachDays: DayList?
        var degradeAfterDays: Int?
        var suspendAfterDays: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case graceDays = "grace_days"
            case retryDays = "retry_days"
            case notifyDays = "notify_days"
            case notifyRoles = "notify_roles"
            case outreachDays = "outreach_days"
            case degradeAfterDays = "degrade_after_days"
            case suspendAfterDays = "suspend_after_days"
        }
    }

    /// A list of days; refused as a whole, so the error names the list.
    struct DayList: Decodable, ConfigurationValue {
        var days: [Int]

        static let expectation = "a list of days from 0 to 365, such as [1, 3, 7]"

        init(from decoder: any Decoder) throws {
            guard let days = try? decoder.singleValueContainer().decode([Int].self), days.allSatisfy({ (0...365).contains($0) }) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "must be \(Self.expectation)"))
            }
            self.days = days.sorted()
        }
    }
}

extension DunningPolicyFile.Document {
    /// The policy the file describes, or the first thing wrong with it.
    func validate(file: String) throws(ConfigurationFileError) -> DunningPolicy {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        var policy = DunningPolicy(schedules: [:])
        if let retries {
            guard let owner = DunningPolicy.RetryOwner(rawValue: retries) else {
                throw fail("retries", "must be worker (this service charges again) or stripe (Stripe's Smart Retries do)")
            }
            policy.retries = owner
        }
        switch afterSuspension {
        case nil, .named("stay_suspended")?:
            policy.afterSuspension = .staySuspended
        case .named?:
            throw fail("after_suspension", "must be stay_suspended or {cancel_after_days: N}")
        case .cancel(let cancel)?:
            guard let days = cancel.cancelAfterDays, (0...365).contains(days) else {
                throw fail("after_suspension.cancel_after_days", "required; whole days from 0 to 365")
            }
            policy.afterSuspension = .cancel(afterDays: days)
        }
        guard let schedules else {
            throw fail("schedules", "required; a schedule for enterprise and team (developer may name another tier's)")
        }
        var aliases: [PlanTier: PlanTier] = [:]
        for (name, entry) in schedules.sorted(by: { $0.key < $1.key }) {
            let key = "schedules.\(name)"
            guard let tier = PlanTier(rawValue: name) else { throw fail(key, "unknown plan; expected developer, team or enterprise") }
            switch entry {
            case .alias(let other):
                guard let target = PlanTier(rawValue: other) else { throw fail(key, "must be a schedule or another plan's name") }
                aliases[tier] = target
            case .schedule(let schedule):
                policy.schedules[tier] = try schedule.value.validate(key: key, file: file)
            }
        }
        for (tier, target) in aliases {
            guard let schedule = policy.schedules[target] else {
                throw fail("schedules.\(tier.rawValue)", "names \(target.rawValue), which has no schedule of its own")
            }
            policy.schedules[tier] = schedule
        }
        // The seed: a plan without a schedule follows team's.
        for tier in PlanTier.allCases where policy.schedules[tier] == nil {
            guard let team = policy.schedules[.team] else { throw fail("schedules.team", "required: plans without a schedule follow it") }
            policy.schedules[tier] = team
        }
        return policy
    }
}

extension DunningPolicyFile.Schedule {
    /// The schedule under `key`, or the first thing wrong with it.
    func validate(key: String, file: String) throws(ConfigurationFileError) -> DunningSchedule {
        func fail(_ name: String, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: "\(key).\(name)", reason: reason)
        }
        func day(_ value: Int?, _ name: String) throws(ConfigurationFileError) -> Int? {
            guard let value else { return nil }
            guard (0...365).contains(value) else { throw fail(name, "must be whole days from 0 to 365") }
            return value
        }
        guard let grace = try day(graceDays, "grace_days") else { throw fail("grace_days", "required; whole days from 0 to 365") }
        var roles: [ContactRole] = []
        for (index, name) in (notifyRoles ?? []).enumerated() {
            guard let role = ContactRole(rawValue: name) else { throw fail("notify_roles[\(index)]", "must be billing, admin or account_manager") }
            roles.append(role)
        }
        let degrade = try day(degradeAfterDays, "degrade_after_days")
        let suspend = try day(suspendAfterDays, "suspend_after_days")
        if let degrade, let suspend, suspend < degrade {
            throw fail("suspend_after_days", "comes before degrade_after_days (\(degrade))")
        }
        return DunningSchedule(graceDays: grace, retryDays: retryDays?.days ?? [], notifyDays: notifyDays?.days ?? [], notifyRoles: roles,
                               outreachDays: outreachDays?.days ?? [], degradeAfterDays: degrade, suspendAfterDays: suspend)
    }
}
