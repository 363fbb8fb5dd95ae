import BillingCore
import Foundation

/// Reads `config/dunning.yaml` into a ``DunningPolicy``; errors name the file and the key.
public enum DunningPolicyFile {
    public static func load(path: String) throws(ConfigurationFileError) -> DunningPolicy {
        try parse(yaml: try YAMLFile.text(at: path), file: path)
    }

    public static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> DunningPolicy {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        let root = try YAMLFile.mapping(text, file: file)
        try PlanCatalogFile.rejectUnknown(root, known: ["retries", "after_suspension", "schedules"], prefix: "", fail: fail)

        var policy = DunningPolicy(schedules: [:])
        if let retries = root["retries"] {
            guard let name = retries as? String, let owner = DunningPolicy.RetryOwner(rawValue: name) else {
                throw fail("retries", "must be worker (this service charges again) or stripe (Stripe's Smart Retries do)")
            }
            policy.retries = owner
        }
        switch root["after_suspension"] {
        case nil, "stay_suspended" as String:
            policy.afterSuspension = .staySuspended
        case let mapping as [String: Any]:
            try PlanCatalogFile.rejectUnknown(mapping, known: ["cancel_after_days"], prefix: "after_suspension.", fail: fail)
            guard let days = mapping["cancel_after_days"] as? Int, (0...365).contains(days) else {
                throw fail("after_suspension.cancel_after_days", "required; whole days from 0 to 365")
            }
            policy.afterSuspension = .cancel(afterDays: days)
        default:
            throw fail("after_suspension", "must be stay_suspended or {cancel_after_days: N}")
        }

        guard let schedules = root["schedules"] as? [String: Any] else {
            throw fail("schedules", "required; a schedule for enterprise and team (developer may name another tier's)")
        }
        var aliases: [PlanTier: PlanTier] = [:]
        for (name, value) in schedules.sorted(by: { $0.key < $1.key }) {
            let key = "schedules.\(name)"
            guard let tier = PlanTier(rawValue: name) else { throw fail(key, "unknown plan; expected developer, team or enterprise") }
            if let other = value as? String {
                guard let target = PlanTier(rawValue: other) else { throw fail(key, "must be a schedule or another plan's name") }
                aliases[tier] = target
                continue
            }
            guard let mapping = value as? [String: Any] else { throw fail(key, "must be a schedule or another plan's name") }
            policy.schedules[tier] = try schedule(mapping, key: key, fail: fail)
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

    static func schedule(_ mapping: [String: Any], key: String, fail: (String?, String) -> ConfigurationFileError)
        throws(ConfigurationFileError) -> DunningSchedule
    {
        let known: Set<String> = ["grace_days", "retry_days", "notify_days", "notify_roles", "outreach_days", "degrade_after_days",
                                  "suspend_after_days"]
        try PlanCatalogFile.rejectUnknown(mapping, known: known, prefix: key + ".", fail: fail)
        func day(_ name: String, required: Bool) throws(ConfigurationFileError) -> Int? {
            guard let value = mapping[name] else {
                if required { throw fail("\(key).\(name)", "required; whole days from 0 to 365") }
                return nil
            }
            guard let days = value as? Int, (0...365).contains(days) else { throw fail("\(key).\(name)", "must be whole days from 0 to 365") }
            return days
        }
        func days(_ name: String) throws(ConfigurationFileError) -> [Int] {
            guard let value = mapping[name] else { return [] }
            guard let list = value as? [Int], list.allSatisfy({ (0...365).contains($0) }) else {
                throw fail("\(key).\(name)", "must be a list of days from 0 to 365, such as [1, 3, 7]")
            }
            return list.sorted()
        }
        var roles: [ContactRole] = []
        for (index, name) in try PlanCatalogFile.strings(mapping["notify_roles"], key: "\(key).notify_roles", fail: fail).enumerated() {
            guard let role = ContactRole(rawValue: name) else {
                throw fail("\(key).notify_roles[\(index)]", "must be billing, admin or account_manager")
            }
            roles.append(role)
        }
        let degrade = try day("degrade_after_days", required: false)
        let suspend = try day("suspend_after_days", required: false)
        if let degrade, let suspend, suspend < degrade {
            throw fail("\(key).suspend_after_days", "comes before degrade_after_days (\(degrade))")
        }
        return DunningSchedule(graceDays: try day("grace_days", required: true) ?? 0, retryDays: try days("retry_days"),
                               notifyDays: try days("notify_days"), notifyRoles: roles, outreachDays: try days("outreach_days"),
                               degradeAfterDays: degrade, suspendAfterDays: suspend)
    }
}
