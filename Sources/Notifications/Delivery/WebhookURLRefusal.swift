/// Why a tenant's webhook URL may not be called. Each says what to change.
package enum WebhookURLRefusal: Error, Equatable, CustomStringConvertible {
    case notAURL
    case notHTTPS
    case credentialsInURL
    case privateAddress(String)
    case unresolvable
    case lookupTimedOut

    package var description: String {
        switch self {
        case .notAURL: "the webhook URL is not an absolute URL with a host"
        case .notHTTPS: "the webhook URL must be https"
        case .credentialsInURL: "the webhook URL must not carry a user name or password"
        case .privateAddress(let address):
            "the webhook host resolves to \(address), which is not a public address (loopback, private, link-local, multicast and metadata addresses are refused)"
        case .unresolvable: "the webhook host does not resolve to any address"
        case .lookupTimedOut: "the webhook host's address lookup timed out"
        }
    }
}
