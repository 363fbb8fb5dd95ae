import BillingCore
import Foundation
import Storage

/// Decides who receives a request on which channel. Pure: the handler supplies the contacts
/// and the tenant's webhook URL.
package enum NotificationPlanner {
    package static func plan(_ request: NotificationRequest, contacts: [String: [String]], webhookURL: String?,
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
                    let listed = (contacts[role.rawValue] ?? []).filter { $0.contains("@") }
                    let addresses = listed.filter(EmailAddress.isSendable)
                    for refused in listed where !EmailAddress.isSendable(refused) {
                        // Never echo the raw value: it may hold the CR/LF it was refused for.
                        skipped.append(SkippedRecipient(role: role, channel: channel,
                                                        reason: "an address on the billing account cannot be sent to safely (\(refused.utf8.count) bytes, control or special characters)"))
                    }
                    if listed.isEmpty {
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
