import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
/// `"<webhook-id>.<webhook-timestamp>.<body>"`, the key the base64-decoded part of a
/// `whsec_…` secret, and the header `v1,<base64 HMAC-SHA256>`.
package enum StandardWebhookSignature {
    /// The secret's key bytes; nil unless it is `whsec_` followed by base64.
    package static func key(secret: String) -> [UInt8]? {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let data = Data(base64Encoded: encoded), !data.isEmpty else { return nil }
        return Array(data)
    }

    /// `v1,<base64>`.
    package static func sign(key: [UInt8], id: String, timestamp: Int64, body: [UInt8]) -> String {
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// A new secret: 32 random bytes.
    package static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }
}
