import BillingCore
import ConfigurationFiles
import Foundation
import Storage
import Testing

@testable import Dunning
@testable import Notifications
@testable import Usage

@Suite("config/notifications/ templates")
struct NotificationTemplatesTests {
    static let configDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config").path
    static let settings = try! NotificationSettingsFile.load(path: "\(configDirectory)/notifications.yaml")
    static let templates = try! NotificationTemplates(directory: settings.templatesDirectory)

    /// A Team case opened 3 days ago for $200.00, as the dunning consumer describes it.
    static var dunningData: [String: JSONValue] {
        let now: Int64 = 1_795_478_400
        let record = CaseRecord(invoiceID: "in_1QxTeam", subscriptionID: "sub_1QxTeam", customerID: "cus_Acme", tenantID: "tenant_acme",
                                tier: .team, status: .open, openedAt: Date(timeIntervalSince1970: TimeInterval(now - 3 * 86_400)),
                                attempts: 2, amountDue: 20_000, currency: "usd", hostedInvoiceURL: "https://invoice.stripe.com/i/acct_1/test_in_1QxTeam")
        var data = DunningHandler.notificationData(for: record, suspendAfterDays: 30, daySeconds: 86_400, now: now)
        data["next_retry_at"] = .number(Double(now + 4 * 86_400))
        return data
    }

    /// As the usage consumer sends it (``QuotaAlerts``).
    static let quotaData = QuotaAlerts.notificationData(metric: .apiCalls, usedUnits: 80_000,
                                                        plan: try! PlanCatalogFile.load(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/plans.yaml").path)[.team],
                                                        periodEnd: 1_796_083_200)

    /// Realistic data for every notification the system sends, as its producer sends it.
    static let examples: [String: [String: JSONValue]] = [
        "payment_failed": dunningData,
        "payment_retry_scheduled": dunningData,
        "payment_action_required": dunningData,
        "payment_recovered": dunningData,
        "service_degraded": dunningData,
        "service_suspended": dunningData,
        "account_manager_outreach": dunningData,
        "trial_ending": ["subscription_id": "sub_1QxTrial", "trial_end": 1_765_209_600, "plan_name": "Enterprise", "amount": 80_000,
                         "currency": "usd"],
        "subscription_canceled": ["subscription_id": "sub_1QxGone", "ended_at": 1_765_209_600, "plan_name": "Team", "amount": 20_000,
                                  "currency": "usd"],
        "quota_warning": quotaData,
        "quota_exceeded": QuotaAlerts.notificationData(metric: .storageGB, usedUnits: 11_200,
                                                        plan: try! PlanCatalogFile.load(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/plans.yaml").path)[.team],
                                                        periodEnd: 1_796_083_200),
    ]

    static func render(_ template: String, _ data: [String: JSONValue]) -> RenderedNotification? {
        templates.render(template, values: TemplateValues.make(data: data, brand: settings.branding, extra: [
            "tenant_id": "tenant_acme", "company": "Acme Analytics GmbH", "recipient_role": "billing", "recipient": "ap@acme.example",
            "sent_at_display": "25 November 2026, 10:00 UTC",
        ]))
    }

    @Test func everyNotificationTheIssueNamesHasATemplate() {
        #expect(Self.templates.names == Set(Self.examples.keys))
    }

    @Test(arguments: examples.keys.sorted())
    func rendersWithRealisticDataAndEveryVariableFilled(_ template: String) throws {
        let rendered = try #require(Self.render(template, Self.examples[template] ?? [:]))
        #expect(rendered.missingVariables == [], "\(template) refers to values its producer does not send")
        #expect(!rendered.subject.isEmpty && !rendered.subject.contains("\n"))
        #expect(rendered.text.contains("Northwind Cloud, Inc."))
        #expect(rendered.text.contains("Times are in UTC"))
        #expect(rendered.html.contains("#2F5BEA") && rendered.html.contains("https://northwind.example/assets/logo-email.png"))
        #expect(!rendered.text.contains("{{") && !rendered.html.contains("{{"))
    }

    @Test func paymentNoticesStateTheMoneyTheDatesAndTheWayToPay() throws {
        let failed = try #require(Self.render("payment_failed", Self.dunningData))
        #expect(failed.subject == "Payment of $200.00 failed for Acme Analytics GmbH")
        #expect(failed.text.contains("We could not collect $200.00 (USD) for invoice in_1QxTeam of Acme Analytics GmbH."))
        #expect(failed.text.contains("suspended in 27 days"))
        #expect(failed.text.contains(Self.settings.branding.paymentInstructions))
        let retry = try #require(Self.render("payment_retry_scheduled", Self.dunningData))
        #expect(retry.subject == "We will retry your payment of $200.00 on 28 November 2026")
        #expect(retry.text.contains("again on 28 November 2026, 00:00 UTC"))
        let quota = try #require(Self.render("quota_warning", Self.quotaData))
        #expect(quota.subject == "Acme Analytics GmbH has used 80% of its API calls allowance")
        #expect(quota.text.contains("at $0.01 per call"))
    }

    @Test func htmlEscapesValuesButTextAndSubjectDoNot() throws {
        var data = Self.dunningData
        data["invoice_id"] = "in_<b>&"
        let rendered = try #require(Self.render("payment_recovered", data))
        #expect(rendered.subject == "Payment received: $200.00 for invoice in_<b>&")
        #expect(rendered.text.contains("invoice in_<b>& of"))
        #expect(rendered.html.contains("invoice in_&lt;b&gt;&amp; of"))
    }

    @Test func aTemplateReferringToAMissingVariableIsCaught() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }  // clean-up only
        try "Hello {{company}}".write(to: directory.appendingPathComponent("probe.subject.mustache"), atomically: true, encoding: .utf8)
        try "{{brand.company_name}} owes {{amount_due_display}} {{invoce_url}}".write(
            to: directory.appendingPathComponent("probe.text.mustache"), atomically: true, encoding: .utf8)
        try "<p>{{brand.no_such}}</p>".write(to: directory.appendingPathComponent("probe.html.mustache"), atomically: true, encoding: .utf8)
        let templates = try NotificationTemplates(directory: directory.path)
        let rendered = try #require(templates.render("probe", values: TemplateValues.make(
            data: Self.dunningData, brand: Self.settings.branding, extra: ["company": "Acme"])))
        #expect(rendered.missingVariables == ["brand.no_such", "invoce_url"])
        #expect(rendered.text == "Northwind Cloud, Inc. owes $200.00 ")
    }

    @Test func aNotificationWithoutAllThreePartsStopsStartUp() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }  // clean-up only
        try "Hi".write(to: directory.appendingPathComponent("lonely.subject.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationFileError.self) { try NotificationTemplates(directory: directory.path) }
        do {
            _ = try NotificationTemplates(directory: directory.path)
        } catch {
            #expect(error.reason == "lonely lacks lonely.html.mustache, lonely.text.mustache")
        }
    }
}
