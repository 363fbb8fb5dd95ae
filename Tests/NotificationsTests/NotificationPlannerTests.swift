import BillingCore
import Testing

@testable import Notifications

@Suite struct NotificationPlannerTests {
    let routing = ChannelRouting(defaults: [.billing: [.email, .webhook], .admin: [.email], .accountManager: [.email]],
                                 templates: ["account_manager_outreach": [.accountManager: [.email, .log]]])

    func request(_ template: String = "payment_failed", roles: [ContactRole]) -> NotificationRequest {
        NotificationRequest(key: "dc_in_1:notify-d0", template: template, tenantID: "t1", roles: roles, data: [:])
    }

    @Test func eachAddressAndTheWebhookGetOneDelivery() {
        let (deliveries, skipped) = NotificationPlanner.plan(
            request(roles: [.billing, .admin]), contacts: ["billing": ["ap@acme.example", "cfo@acme.example"], "admin": ["it@acme.example"]],
            webhookURL: "https://acme.example/hooks", routing: routing)
        #expect(deliveries.map(\.deliveryKey) == [
            "dc_in_1:notify-d0:email:ap@acme.example", "dc_in_1:notify-d0:email:cfo@acme.example", "dc_in_1:notify-d0:webhook",
            "dc_in_1:notify-d0:email:it@acme.example",
        ])
        #expect(skipped.isEmpty)
    }

    /// An address from Stripe or the tenant that could inject a header or an SMTP command is
    /// skipped (and said so, without echoing it), never sent.
    @Test func addressesThatCouldInjectHeadersAreSkippedNotSent() {
        let hostile = ["ap@acme.example\r\nBcc: all@evil.example", "ap@acme.example\nRCPT TO:<x@evil.example>", "a b@acme.example",
                       "<ap@acme.example>", "ap@acme.example, cfo@evil.example", "ap@@acme.example", "ap@localhost", "ap@acme.example\u{0}"]
        let (deliveries, skipped) = NotificationPlanner.plan(request(roles: [.billing]), contacts: ["billing": hostile + ["ok@acme.example"]],
                                                             webhookURL: nil, routing: routing)
        #expect(deliveries.map(\.recipient) == ["ok@acme.example"])
        #expect(skipped.filter { $0.channel == .email }.count == hostile.count)
        #expect(skipped.allSatisfy { !$0.reason.contains("evil") && !$0.reason.contains("\n") })
        #expect(EmailAddress.isSendable("first.last+billing@sub.acme.example"))
        #expect(EmailAddress.isSendable("café@acme.example"), "UTF-8 local parts are allowed (SMTPUTF8)")
    }

    @Test func anAddressInTwoRolesGetsOneEmail() {
        let (deliveries, _) = NotificationPlanner.plan(
            request(roles: [.billing, .admin]), contacts: ["billing": ["Owner@Acme.example"], "admin": ["owner@acme.example"]],
            webhookURL: nil, routing: routing)
        #expect(deliveries.map(\.recipient) == ["Owner@Acme.example"])
    }

    @Test func rolesWithoutAnAddressOrEndpointAreSkippedWithTheReason() {
        let (deliveries, skipped) = NotificationPlanner.plan(request(roles: [.billing, .admin]), contacts: ["billing": ["ap@acme.example"]],
                                                             webhookURL: nil, routing: routing)
        #expect(deliveries.map(\.channel) == [.email])
        #expect(skipped == [
            SkippedRecipient(role: .billing, channel: .webhook, reason: "the tenant has no webhook endpoint"),
            SkippedRecipient(role: .admin, channel: .email, reason: "no admin address on the billing account"),
        ])
    }

    @Test func aTemplatesOwnRoutingReplacesTheDefault() {
        let (deliveries, _) = NotificationPlanner.plan(request("account_manager_outreach", roles: [.accountManager, .billing]),
                                                       contacts: ["account_manager": ["am@northwind.example"], "billing": ["ap@acme.example"]],
                                                       webhookURL: "https://acme.example/hooks", routing: routing)
        #expect(deliveries.map(\.deliveryKey) == ["dc_in_1:notify-d0:email:am@northwind.example", "dc_in_1:notify-d0:log:account_manager"])
    }

    @Test(arguments: [
        (0, 250, "250 2.0.0 Ok: queued as 1A", DeliveryOutcome.sent(response: "250 2.0.0 Ok: queued as 1A")),
        (55, 550, "550 5.1.1 mailbox unavailable", .permanent("SMTP 550: RCPT failed (550 5.1.1 mailbox unavailable)")),
        (55, 452, "452 4.2.2 mailbox full", .transient("SMTP 452: RCPT failed (452 4.2.2 mailbox full)")),
        (7, 0, "", .transient("SMTP: Failed to connect")),
        (67, 535, "535 5.7.8 bad credentials",
         .transient("SMTP authentication failed, check BILLING_SMTP_USERNAME/PASSWORD: RCPT failed (535 5.7.8 bad credentials)")),
    ])
    func smtpAnswersDecideTheRow(curl: Int, reply: Int, text: String, expected: DeliveryOutcome) {
        let error = curl == 7 ? "Failed to connect" : "RCPT failed"
        #expect(DeliveryOutcome.smtp(curlCode: curl, replyCode: reply, reply: text, error: curl == 0 ? "" : error) == expected)
    }

    @Test func httpAnswersDecideTheRow() {
        #expect(DeliveryOutcome.http(status: 204, body: "").rowStatus == .sent)
        for status in [408, 429, 500, 502, 503] { #expect(DeliveryOutcome.http(status: status, body: "").rowStatus == .pending) }
        for status in [301, 400, 401, 404, 410, 422] { #expect(DeliveryOutcome.http(status: status, body: "").rowStatus == .failed) }
        #expect(DeliveryOutcome.http(status: 410, body: "gone") == .permanent("HTTP 410: gone"))
    }
}
