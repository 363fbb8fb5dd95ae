import ConfigurationFiles
import Foundation

/// Where usage reporting is configured.
public struct UsageFileSettings: Sendable, Equatable {
    /// The usage settings file (`BILLING_USAGE_FILE`).
    public var file: String
    /// Overrides the file's interval when set.
    public var reportInterval: Duration?

    /// Settings from their parts; the defaults are the environment's.
    public init(file: String = "config/usage.yaml", reportInterval: Duration? = nil) {
        self.file = file
        self.reportInterval = reportInterval
    }

    /// The file's settings with the environment's override.
    public func load() throws(ConfigurationFileError) -> UsageReportingSettings {
        var settings = try UsageSettingsFile.load(path: file)
        if let reportInterval { settings.interval = reportInterval }
        return settings
    }
}
