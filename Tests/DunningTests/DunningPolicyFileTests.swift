import BillingCore
import ConfigurationFiles
import Foundation
import Testing

@testable import Dunning

@Suite("config/dunning.yaml")
struct DunningPolicyFileTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/dunning.yaml").path

    @Test func theProjectsFileIsTheSeedsPolicy() throws {
        #expect(try DunningPolicyFile.load(path: Self.path) == .seed)
    }

    @Test func developerCanHaveItsOwnScheduleAndCancellationCanFollowSuspension() throws {
        let policy = try DunningPolicyFile.parse(yaml: """
            retries: stripe
            after_suspension: {cancel_after_days: 15}
            schedules:
              team: {grace_days: 3, retry_days: [3, 1], notify_days: [0], notify_roles: [billing], suspend_after_days: 30}
              developer: {grace_days: 1, notify_days: [0, 2], notify_roles: [billing], suspend_after_days: 10}
            """, file: "dunning.yaml")
        #expect(policy.retries == .stripe)
        #expect(policy.afterSuspension == .cancel(afterDays: 15))
        #expect(policy.schedules[.developer]?.suspendAfterDays == 10)
        #expect(policy.schedules[.team]?.retryDays == [1, 3])
        #expect(policy.schedules[.enterprise] == policy.schedules[.team], "a plan without a schedule follows team's")
    }

    @Test(arguments: [
        ("retries: sometimes\nschedules: {team: {grace_days: 1}}", "retries"),
        ("schedules: {team: {grace_days: 1, retry_days: [1, x]}}", "schedules.team.retry_days"),
        ("schedules: {team: {grace_days: 1, notify_roles: [cfo]}}", "schedules.team.notify_roles[0]"),
        ("schedules: {team: {retry_days: [1]}}", "schedules.team.grace_days"),
        ("schedules: {team: {grace_days: 1, degrade_after_days: 20, suspend_after_days: 10}}", "schedules.team.suspend_after_days"),
        ("schedules: {team: {grace_days: 1, retry_day: [1]}}", "schedules.team.retry_day"),
        ("schedules: {gold: {grace_days: 1}}", "schedules.gold"),
        ("schedules: {developer: enterprise, team: {grace_days: 1}}", "schedules.developer"),
        ("schedules: {enterprise: {grace_days: 1}}", "schedules.team"),
        ("after_suspension: cancel\nschedules: {team: {grace_days: 1}}", "after_suspension"),
    ])
    func errorsNameTheKey(yaml: String, key: String) {
        #expect {
            try DunningPolicyFile.parse(yaml: yaml, file: "config/dunning.yaml")
        } throws: { error in
            (error as? ConfigurationFileError)?.key == key
        }
    }
}
