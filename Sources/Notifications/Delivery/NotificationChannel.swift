/// Where a notification goes: an email to the role's addresses, a signed POST to the tenant's
/// webhook endpoint, or a line in the log (development).
package enum NotificationChannel: String, Sendable, Hashable, CaseIterable, Codable {
    case email, webhook, log
}
