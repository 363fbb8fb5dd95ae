import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// POSTs signed JSON to tenants' webhook endpoints: only where ``WebhookURLPolicy`` allows,
/// connecting to the very address it checked, and following no redirect (a redirect could send
/// the request where the policy would not).
package struct WebhookSender: Sendable {
    let timeout: Duration
    let policy: WebhookURLPolicy
    let logger: Logger

    package init(timeout: Duration = .seconds(10), policy: WebhookURLPolicy = WebhookURLPolicy(), logger: Logger) {
        self.timeout = timeout
        self.policy = policy
        self.logger = logger
    }

    /// How much of a receiver's answer is kept for the notification's record.
    static let keptAnswerBytes = 2_048

    /// Sends `body` to `url`, signed with `secret`. `id` is the same on every attempt of one
    /// notification, so the receiver can drop a repeat; the timestamp is the attempt's.
    package func send(url: String, secret: String, id: String, timestamp: Int64, body: [UInt8]) async -> DeliveryOutcome {
        guard let key = StandardWebhookSignature.key(secret: secret) else {
            return .permanent("the tenant's webhook secret is not whsec_<base64>; set the endpoint again")
        }
        let target: WebhookTarget
        let address: String
        do {
            target = try policy.target(of: url)
            address = try await policy.resolve(target, timeout: timeout)
        } catch WebhookURLRefusal.lookupTimedOut {
            return .transient(WebhookURLRefusal.lookupTimedOut.description)
        } catch WebhookURLRefusal.unresolvable {
            return .transient(WebhookURLRefusal.unresolvable.description)  // DNS may be failing for a while
        } catch let refusal as WebhookURLRefusal {
            logger.warning("tenant webhook refused", metadata: ["reason": "\(refusal)"])
            return .permanent(refusal.description)
        } catch {
            return .transient("webhook host lookup failed: \(error)")
        }
        // One client per delivery, pinned to the checked address (`dnsOverride` connects there
        // and still verifies the certificate against the host name).
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        if address != target.host { configuration.dnsOverride = [target.host: address] }
        let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let outcome = await send(request: url, key: key, id: id, timestamp: timestamp, body: body, with: httpClient)
        try? await httpClient.shutdown()  // the outcome is decided; a failed close leaks nothing we could retry
        return outcome
    }

    private func send(request url: String, key: [UInt8], id: String, timestamp: Int64, body: [UInt8],
                      with httpClient: HTTPClient) async -> DeliveryOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "billing-notifications")
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: StandardWebhookSignature.sign(key: key, id: id, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        let parts = timeout.components
        let deadline = TimeAmount.nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        do {
            let response = try await httpClient.execute(request, timeout: deadline, logger: logger)
            // The status decides; of the body, only its start is kept for the record, and the
            // rest is not read (a 2xx with a large body is still a delivery).
            var answer = ByteBuffer()
            for try await var chunk in response.body {
                let take = min(chunk.readableBytes, Self.keptAnswerBytes - answer.readableBytes)
                if take > 0, let slice = chunk.readSlice(length: take) { answer.writeImmutableBuffer(slice) }
                if answer.readableBytes >= Self.keptAnswerBytes { break }
            }
            return .http(status: Int(response.status.code), body: String(buffer: answer))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .transient("webhook timed out after \(timeout)")
        } catch let error as HTTPClientError where error == .invalidURL || error == .emptyHost {
            return .permanent("the tenant's webhook URL cannot be called: \(error)")
        } catch {
            return .transient("webhook not delivered: \(error)")
        }
    }
}
