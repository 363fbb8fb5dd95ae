import BillingCore
import Foundation
import Storage

/// How one attempt to send ended, and so what becomes of the outbox row.
package enum DeliveryOutcome: Sendable, Equatable {
    /// The receiving server accepted it; its answer is kept.
    case sent(response: String)
    /// Worth another try later (connection refused, timeout, SMTP 4xx, HTTP 429/5xx): the row
    /// goes back to pending and the request is retried with back-off.
    case transient(String)
    /// No retry can help (SMTP 5xx for the recipient, HTTP 4xx): the row is failed with the
    /// reason, and the other recipients are unaffected.
    case permanent(String)

    /// The row's status after this outcome.
    package var rowStatus: NotificationRecord.Status {
        switch self {
        case .sent: .sent
        case .transient: .pending
        case .permanent: .failed
        }
    }

    /// SMTP through libcurl: `curlCode` 0 is success; otherwise the server's last reply code
    /// decides, and without one (no connection, timeout, TLS) it is worth retrying.
    package static func smtp(curlCode: Int, replyCode: Int, reply: String, error: String) -> DeliveryOutcome {
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
    package static func http(status: Int, body: String) -> DeliveryOutcome {
        let excerpt = body.count > 200 ? String(body.prefix(200)) + "…" : body
        switch status {
        case 200...299: return .sent(response: "HTTP \(status)")
        case 408, 425, 429, 500...599: return .transient("HTTP \(status): \(excerpt)")
        default: return .permanent("HTTP \(status): \(excerpt)")
        }
    }
}
