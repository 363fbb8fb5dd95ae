import BillingCore
import ConfigurationFiles
import Foundation
import Testing

@testable import Notifications

@Suite("config/notifications.yaml")
struct NotificationSettingsFileTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/notifications.yaml").path

    @Test func theProjectsFileRoutesEveryRole() throws {
        let settings = try NotificationSettingsFile.load(path: Self.path)
        #expect(settings.fromAddress == "billing@northwind.example")
        #expect(settings.routing.channels(template: "payment_failed", role: .billing) == [.email, .webhook])
        #expect(settings.routing.channels(template: "payment_failed", role: .admin) == [.email])
        #expect(settings.routing.channels(template: "account_manager_outreach", role: .billing) == [])
        #expect(settings.templatesDirectory.hasSuffix("config/notifications"))
        #expect(settings.branding.primaryColor == "#2F5BEA")
    }

    @Test(arguments: [
        ("branding: {}\nchannels: {default: {}}", "from: required; the sender, e.g. \"Example Billing <billing@example.com>\""),
        ("from: a@b.c\nbranding: {company_name: X}\nchannels: {default: {}}", "branding.address: required; text"),
        ("from: a@b.c\nbranding: {company_name: X, nope: 1}\nchannels: {default: {}}",
         "branding.nope: unknown key (known: address, company_name, email, logo_url, payment_instructions, phone, primary_color, website)"),
    ])
    func mistakesNameTheKey(yaml: String, message: String) {
        do {
            _ = try NotificationSettingsFile.parse(yaml: yaml, file: "n.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "n.yaml: \(message)")
        }
    }

    @Test func anUnknownChannelOrRoleIsRefused() {
        let brand = "branding: {company_name: X, address: A, phone: P, email: E, website: W, primary_color: C, logo_url: L, payment_instructions: I}"
        #expect(throws: ConfigurationFileError(file: "n.yaml", key: "channels.default.billing", reason: "unknown channel sms (known: email, webhook, log)")) {
            try NotificationSettingsFile.parse(yaml: "from: a@b.c\n\(brand)\nchannels: {default: {billing: [sms]}}", file: "n.yaml")
        }
        #expect(throws: ConfigurationFileError(file: "n.yaml", key: "channels.x.ceo", reason: "unknown role (known: billing, admin, account_manager)")) {
            try NotificationSettingsFile.parse(yaml: "from: a@b.c\n\(brand)\nchannels: {default: {}, x: {ceo: [email]}}", file: "n.yaml")
        }
    }
}
