import BillingCore
import Foundation

/// Reads `config/usage.yaml` into ``UsageReportingSettings``; errors name the file and the key.
public enum UsageSettingsFile {
    public static func load(path: String) throws(ConfigurationFileError) -> UsageReportingSettings {
        try parse(yaml: try YAMLFile.text(at: path), file: path)
    }

    public static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> UsageReportingSettings {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        let root = try YAMLFile.mapping(text, file: file)
        try PlanCatalogFile.rejectUnknown(root, known: ["reporting"], prefix: "", fail: fail)
        guard let reporting = root["reporting"] as? [String: Any] else { throw fail("reporting", "required; a mapping with meters") }
        try PlanCatalogFile.rejectUnknown(reporting, known: ["interval", "concurrency", "claim_lease", "retry_after", "meters"],
                                          prefix: "reporting.", fail: fail)
        func duration(_ name: String, default fallback: Duration) throws(ConfigurationFileError) -> Duration {
            guard let value = reporting[name] else { return fallback }
            guard let text = value as? String, let duration = Duration(compact: text), duration > .zero else {
                throw fail("reporting.\(name)", "must be a duration such as 500ms, 30s, 2m or 1h")
            }
            return duration
        }
        var settings = UsageReportingSettings(meters: [:])
        settings.interval = try duration("interval", default: .seconds(3_600))
        settings.claimLease = try duration("claim_lease", default: .seconds(120))
        settings.retryAfter = try duration("retry_after", default: .seconds(60))
        if let value = reporting["concurrency"] {
            guard let concurrency = value as? Int, (1...64).contains(concurrency) else {
                throw fail("reporting.concurrency", "must be a whole number from 1 to 64")
            }
            settings.concurrency = concurrency
        }
        guard let meters = reporting["meters"] as? [String: Any] else {
            throw fail("reporting.meters", "required; metric: {event_name: …} for each metric to report")
        }
        for (name, value) in meters.sorted(by: { $0.key < $1.key }) {
            let key = "reporting.meters.\(name)"
            guard let metric = UsageMetric(rawValue: name) else {
                throw fail(key, "unknown metric (known: \(UsageMetric.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let mapping = value as? [String: Any] else { throw fail(key, "must be a mapping with event_name") }
            try PlanCatalogFile.rejectUnknown(mapping, known: ["event_name"], prefix: key + ".", fail: fail)
            guard let eventName = mapping["event_name"] as? String, !eventName.isEmpty, eventName.count <= 100 else {
                throw fail("\(key).event_name", "required; the Stripe meter's event name (at most 100 characters)")
            }
            settings.meters[metric] = MeterSettings(eventName: eventName)
        }
        return settings
    }
}
