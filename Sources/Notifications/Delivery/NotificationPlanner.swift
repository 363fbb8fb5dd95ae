import BillingCore
import Foundation
import Storage

/// A request for one logical notification: a template, the roles it goes to and its data.
/// `key` identifies it (e.g. a dunning case and step): the same key twice sends nothing twice.
public struct NotificationRequest: Sendable, Equatable {
    public var key: String
    public var template: String
    public var tenantID: String
    public var roles: [ContactRole]
    public var data: [String: JSONValue]

    public init(key: String, template: String, tenantID: String, roles: [ContactRole], data: [String: JSONValue]) {
        self.key = key
        self.template = template
        self.tenantID = tenantID
        self.roles = roles
        self.data = data
    }
}

/// One message to send: the outbox row's identity.
public struct PlannedDelivery: Sendable, Equatable {
    public var deliveryKey: String
    public var channel: NotificationChannel
    public var role: ContactRole
    /// An email address, the webhook URL, or the role's name (log).
    public var recipient: String
}

/// A role and channel that get nothing, and why (counted, not an error).
public struct SkippedRecipient: Sendable, Equatable {
    public var role: ContactRole
    public var channel: NotificationChannel
    public var reason: String
}

/// Decides who receives a request on which channel. Pure: the handler supplies the contacts
/// and the tenant's webhook URL.
public enum NotificationPlanner {
    public static func plan(_ request: NotificationRequest, contacts: [String: [String]], webhookURL: String?,
                            routing: ChannelRouting) -> (deliveries: [PlannedDelivery], skipped: [SkippedRecipient]) {
        var deliveries: [PlannedDelivery] = []
        var skipped: [SkippedRecipient] = []
        var keys = Set<String>()
        func add(_ delivery: PlannedDelivery) {
            // One address in two roles, or the webhook for two roles, is one message.
            if keys.insert(delivery.deliveryKey).inserted { deliveries.append(delivery) }
        }
        for role in request.roles {
            for channel in routing.channels(template: request.template, role: role) {
                switch channel {
                case .email:
                    let addresses = (contacts[role.rawValue] ?? []).filter { $0.contains("@") }
                    if addresses.isEmpty {
                        skipped.append(SkippedRecipient(role: role, channel: channel, reason: "no \(role.rawValue) address on the billing account"))
                    }
                    for address in addresses {
                        add(PlannedDelivery(deliveryKey: "\(request.key):email:\(address.lowercased())", channel: .email, role: role,
                                            recipient: address))
                    }
                case .webhook:
                    guard let webhookURL else {
                        skipped.append(SkippedRecipient(role: role, channel: channel, reason: "the tenant has no webhook endpoint"))
                        continue
                    }
                    add(PlannedDelivery(deliveryKey: "\(request.key):webhook", channel: .webhook, role: role, recipient: webhookURL))
                case .log:
                    add(PlannedDelivery(deliveryKey: "\(request.key):log:\(role.rawValue)", channel: .log, role: role, recipient: role.rawValue))
                }
            }
        }
        return (deliveries, skipped)
    }
}

/// How one attempt to send ended, and so what becomes of the outbox row.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiving server accepted it; its answer is kept.
    case sent(response: String)
    /// Worth another try later (connection refused, timeout, SMTP 4xx, HTTP 429/5xx): the row
    /// goes back to pending and the request is retried with back-off.
    case transient(String)
    /// No retry can help (SMTP 5xx for the recipient, HTTP 4xx): the row is failed with the
    /// reason, and the other recipients are unaffected.
    case permanent(String)

    /// The row's status after this outcome.
    public var rowStatus: NotificationRecord.Status {
        switch self {
        case .sent: .sent
        case .transient: .pending
        case .permanent: .failed
        }
    }

    /// SMTP through libcurl: `curlCode` 0 is success; otherwise the server's last reply code
    /// decides, and without one (no connection, timeout, TLS) it is worth retrying.
    public static func smtp(curlCode: Int, replyCode: Int, reply: String, error: String) -> DeliveryOutcome {
        if curlCode == 0 { return .sent(response: reply.isEmpty ? "\(replyCode)" : reply) }
        let detail = reply.isEmpty ? error : "\(error) (\(reply))"
        switch replyCode {
        case 530, 534, 535, 538:
            // Authentication: the server is fine with the recipient; the configuration is not.
            return .transient("SMTP authentication failed, check BILLING_SMTP_USERNAME/PASSWORD: \(detail)")
        case 500...599: return .permanent("SMTP \(replyCode): \(detail)")
        case 400...499: return .transient("SMTP \(replyCode): \(detail)")
        default: return .transient("SMTP: \(detail)")
        }
    }

    /// An HTTP answer from a webhook endpoint (redirects are not followed: a 3xx is the
    /// endpoint's misconfiguration).
    public static func http(status: Int, body: String) -> DeliveryOutcome {
        let excerpt = body.count > 200 ? String(body.prefix(200)) + "…" : body
        switch status {
        case 200...299: return .sent(response: "HTTP \(status)")
        case 408, 425, 429, 500...599: return .transient("HTTP \(status): \(excerpt)")
        default: return .permanent("HTTP \(status): \(excerpt)")
        }
    }
}
