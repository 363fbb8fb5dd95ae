import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// POSTs signed JSON to tenants' webhook endpoints.
package struct WebhookSender: Sendable {
    let httpClient: HTTPClient
    let timeout: Duration
    let logger: Logger

    package init(httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10), logger: Logger) {
        self.httpClient = httpClient
        self.timeout = timeout
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
