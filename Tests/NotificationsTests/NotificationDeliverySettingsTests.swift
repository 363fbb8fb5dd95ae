import Testing

@testable import Notifications

@Suite("NotificationDeliverySettings")
struct NotificationDeliverySettingsTests {
    /// A claimed row outlives the longest send the settings allow, so a slow send is never
    /// taken over (and sent a second time) by another worker while it is still running.
    @Test(arguments: [
        (nil, 10, 120),            // webhooks only: the two-minute floor
        (30, 10, 120),             // SMTP 10 s connect + 30 s: still under the floor
        (600, 10, 670),            // SMTP 10 + 600 s, plus a minute
        (30, 300, 360),            // a slow webhook timeout decides
    ] as [(Int?, Int, Int)])
    func theClaimLeaseOutlivesTheLongestSend(smtpTimeout: Int?, webhookTimeout: Int, lease: Int) {
        let smtp = smtpTimeout.map { SMTPSettings(url: "smtp://mail.example:587", connectTimeout: .seconds(10), timeout: .seconds($0)) }
        let settings = NotificationDeliverySettings(smtp: smtp, webhookTimeout: .seconds(webhookTimeout))
        #expect(settings.claimLease == .seconds(lease))
        let longest = max(smtpTimeout.map { 10 + $0 } ?? 0, webhookTimeout)
        #expect(settings.claimLease > .seconds(longest))
    }
}
