import BillingCore
import ConfigurationFiles
import Foundation
import Testing

@testable import Usage

@Suite("config/usage.yaml")
struct UsageSettingsFileTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/usage.yaml").path

    @Test func theProjectsFileReportsCallsAndStorage() throws {
        let settings = try UsageSettingsFile.load(path: Self.path)
        #expect(settings.meters == [.apiCalls: MeterSettings(eventName: "api_calls"), .storageGB: MeterSettings(eventName: "storage_mb")])
        #expect(settings.interval == .seconds(3_600))
        #expect(settings.concurrency == 8)
        #expect(settings.claimLease == .seconds(120) && settings.retryAfter == .seconds(60))
    }

    @Test(arguments: [
        ("reporting:\n  meters:\n    cpu_minutes: {event_name: cpu}\n", "reporting.meters.cpu_minutes"),
        ("reporting:\n  meters:\n    api_calls: {}\n", "reporting.meters.api_calls.event_name"),
        ("reporting:\n  interval: soon\n  meters: {}\n", "reporting.interval"),
        ("reporting:\n  concurrency: 0\n  meters: {}\n", "reporting.concurrency"),
        ("reporting:\n  meterz: {}\n", "reporting.meterz"),
        ("other: 1\n", "other"),
    ])
    func mistakesNameTheKey(yaml: String, key: String) {
        #expect {
            _ = try UsageSettingsFile.parse(yaml: yaml, file: "usage.yaml")
        } throws: { error in
            (error as? ConfigurationFileError)?.key == key
        }
    }

    @Test func theEnvironmentOverridesTheInterval() throws {
        let settings = try UsageFileSettings(file: Self.path, reportInterval: .milliseconds(250)).load()
        #expect(settings.interval == .milliseconds(250))
    }
}
