import Crypto
import Foundation

/// Verifies Stripe's webhook signature scheme (also used for the platform's internal events).
///
/// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`: the signed string is
/// `"<t>.<raw body>"`, HMAC-SHA256 keyed by the secret's UTF-8 bytes (the `whsec_` prefix
/// included), lowercase hex. A payload is accepted when any `v1` matches under any configured
/// secret (two are live during a rotation); other schemes are ignored. The raw bytes are
/// verified before anything parses them, and the comparison is constant-time.
///
/// The timestamp must be within the tolerance of now in either direction: Stripe's own
/// libraries only refuse old ones, but a signature from the future is as suspect as a replay.
public struct WebhookSignatureVerifier: Sendable {
    private let keys: [KeyedSHA256]
    let tolerance: Int64

    /// A verifier that accepts a signature made with any of `secrets`.
    ///
    /// - Parameters:
    ///   - secrets: the signing secrets, current first.
    ///   - toleranceSeconds: how far the signed timestamp may be from now (default 300 s).
    public init(secrets: [String], toleranceSeconds: Int64 = 300) {
        self.keys = secrets.map { KeyedSHA256(key: Array($0.utf8)) }
        self.tolerance = toleranceSeconds
    }

    /// Checks what can be checked before the body is read: the header is present and well
    /// formed, has a `v1`, and its timestamp is within tolerance. A request that fails here is
    /// refused without its body being buffered.
    public func precheck(header: String?, now: Date = Date()) throws(WebhookSignatureError) {
        guard let header, !header.isEmpty else { throw .missingHeader }
        let parsed = try SignatureHeader(parsing: header)
        let age = Int64(now.timeIntervalSince1970.rounded(.down)) - parsed.timestamp
        guard abs(age) <= tolerance else { throw .timestampOutsideTolerance(ageSeconds: age, toleranceSeconds: tolerance) }
    }

    /// Verifies `payload` against `header`. Returns the signed timestamp.
    @discardableResult
    public func verify<Payload: DataProtocol>(payload: Payload, header: String?, now: Date = Date()) throws(WebhookSignatureError) -> Int64 {
        guard let header, !header.isEmpty else { throw .missingHeader }
        let parsed = try SignatureHeader(parsing: header)
        let age = Int64(now.timeIntervalSince1970.rounded(.down)) - parsed.timestamp
        guard abs(age) <= tolerance else { throw .timestampOutsideTolerance(ageSeconds: age, toleranceSeconds: tolerance) }
        // Hash straight from contiguous storage: a generic walk over the payload would not be
        // specialised across the module boundary and costs more than the hash itself.
        let matched = payload.withContiguousStorageIfAvailable { bytes in
            matches(UnsafeRawBufferPointer(bytes), parsed)
        } ?? Array(payload).withUnsafeBytes { matches($0, parsed) }
        guard matched else { throw .noMatchingSignature }
        return parsed.timestamp
    }

    private func matches(_ payload: UnsafeRawBufferPointer, _ parsed: SignatureHeader) -> Bool {
        var prefix = parsed.timestampDigits
        prefix.append(UInt8(ascii: "."))
        for key in keys {
            let expected = prefix.withUnsafeBytes { key.authenticate($0, payload) }
            // Every candidate is compared in full, so timing does not tell which one (if any)
            // matched, nor how much of it.
            var matched = false
            expected.withUnsafeBytes { digest in
                for signature in parsed.v1 where signature.count == digest.count {
                    var difference: UInt8 = 0
                    for index in 0..<digest.count { difference |= digest[index] ^ signature[index] }
                    if difference == 0 { matched = true }
                }
            }
            if matched { return true }
        }
        return false
    }

    /// The header value that signs `payload` at `timestamp` with `secret`: what Stripe sends,
    /// and what the platform (and our tests and load generators) send to `/v1/events`.
    package static func header<Payload: DataProtocol>(payload: Payload, secret: String, timestamp: Int64) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
        hmac.update(data: Array("\(timestamp).".utf8))
        hmac.update(data: payload)
        return "t=\(timestamp),v1=\(hex(hmac.finalize()))"
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
