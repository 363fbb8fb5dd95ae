/// Where a webhook goes: what ``WebhookURLPolicy/target(of:)`` read from its URL.
package struct WebhookTarget: Sendable, Equatable {
    package var scheme: String
    package var host: String
    package var port: Int
}
