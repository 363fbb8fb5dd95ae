import BillingCore
import ConfigurationFiles
import Foundation

/// Reads `config/usage.yaml` into ``UsageReportingSettings``: decoded into ``Document``, then
/// checked by ``Document/validate(file:)``; errors name the file and the key.
public enum UsageSettingsFile {
    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(ConfigurationFileError) -> UsageReportingSettings {
        try YAMLFile.load(Document.self, path: path)
    }

    /// Reads and checks a file's text; `file` names it in errors.
    package static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> UsageReportingSettings {
        try YAMLFile.parse(Document.self, yaml: text, file: file)
    }

    /// The file as written.
    struct Document: ConfigurationDocument {
        var reporting: Strict<Reporting>?

        enum CodingKeys: String, CodingKey, CaseIterable { case reporting }
    }

    struct Reporting: StrictDecodable {
        var interval: String?
        var concurrency: Int?
        var claimLease: String?
        var retryAfter: String?
        var meters: [String: Strict<Meter>]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case interval, concurrency, meters
            case claimLease = "claim_lease"
            case retryAfter = "retry_after"
        }
    }

    struct Meter: StrictDecodable {
        var eventName: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case eventName = "event_name" }
    }
}

extension UsageSettingsFile.Document {
    /// The settings the file describes, or the first thing wrong with it.
    func validate(file: String) throws(ConfigurationFileError) -> UsageReportingSettings {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        guard let reporting else { throw fail("reporting", "required; a mapping with meters") }
        func duration(_ text: String?, _ name: String, default fallback: Duration) throws(ConfigurationFileError) -> Duration {
            guard let text else { return fallback }
            guard let duration = Duration(compact: text), duration > .zero else {
                throw fail("reporting.\(name)", "must be a duration such as 500ms, 30s, 2m or 1h")
            }
            return duration
        }
        var settings = UsageReportingSettings(meters: [:])
        settings.interval = try duration(reporting.interval, "interval", default: .seconds(3_600))
        settings.claimLease = try duration(reporting.claimLease, "claim_lease", default: .seconds(120))
        settings.retryAfter = try duration(reporting.retryAfter, "retry_after", default: .seconds(60))
        if let concurrency = reporting.concurrency {
            guard (1...64).contains(concurrency) else { throw fail("reporting.concurrency", "must be a whole number from 1 to 64") }
            settings.concurrency = concurrency
        }
        guard let meters = reporting.meters else {
            throw fail("reporting.meters", "required; metric: {event_name: …} for each metric to report")
        }
        for (name, meter) in meters.sorted(by: { $0.key < $1.key }) {
            let key = "reporting.meters.\(name)"
            guard let metric = UsageMetric(rawValue: name) else {
                throw fail(key, "unknown metric (known: \(UsageMetric.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let eventName = meter.eventName, !eventName.isEmpty, eventName.count <= 100 else {
                throw fail("\(key).event_name", "required; the Stripe meter's event name (at most 100 characters)")
            }
            settings.meters[metric] = MeterSettings(eventName: eventName)
        }
        return settings
    }
}
