import Crypto
import Testing

@testable import Stripe

/// The verifier's HMAC with precomputed pads against swift-crypto's `HMAC<SHA256>`.
@Suite struct KeyedSHA256Tests {
    @Test(arguments: [0, 1, 22, 63, 64, 65, 200])
    func matchesTheLibrarysHMACForEveryKeyLength(keyLength: Int) {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for messageLength in [0, 1, 55, 64, 2_048] {
            let prefix = Array("1700000000.".utf8)
            let message = (0..<messageLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let ours = prefix.withUnsafeBytes { first in message.withUnsafeBytes { KeyedSHA256(key: key).authenticate(first, $0) } }
            var library = HMAC<SHA256>(key: SymmetricKey(data: key))
            library.update(data: prefix + message)
            #expect(Array(ours) == Array(library.finalize()), "key \(keyLength) bytes, message \(messageLength) bytes")
        }
    }
}
