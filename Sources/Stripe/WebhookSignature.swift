import Crypto
import Foundation

/// Why a webhook signature was refused. Says what is wrong, never the secret or the full signature.
public enum WebhookSignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No signature header at all.
    case missingHeader
    /// The header is not `t=<unix seconds>,v1=<hex>[,…]`.
    case malformedHeader(String)
    /// The header has no `v1` signature (only `v0` or unknown schemes).
    case noV1Signature
    /// No `v1` signature matches the payload under any configured secret.
    case noMatchingSignature
    /// The signed timestamp is further from now than the tolerance (a replay or a skewed clock).
    case timestampOutsideTolerance(ageSeconds: Int64, toleranceSeconds: Int64)

    /// A short machine-readable reason, used in responses and metrics labels.
    public var reason: String {
        switch self {
        case .missingHeader: "missing_header"
        case .malformedHeader: "malformed_header"
        case .noV1Signature: "no_v1_signature"
        case .noMatchingSignature: "no_matching_signature"
        case .timestampOutsideTolerance: "timestamp_outside_tolerance"
        }
    }

    public var description: String {
        switch self {
        case .missingHeader: "the signature header is missing"
        case .malformedHeader(let why): "the signature header is malformed: \(why)"
        case .noV1Signature: "the signature header has no v1 signature"
        case .noMatchingSignature: "no v1 signature matches the payload for any configured secret"
        case .timestampOutsideTolerance(let age, let tolerance):
            "the signature timestamp is \(age) s from now, more than the \(tolerance) s tolerance"
        }
    }
}

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
    private let keys: [SymmetricKey]
    public let tolerance: Int64

    /// - Parameters:
    ///   - secrets: the signing secrets, current first.
    ///   - toleranceSeconds: how far the signed timestamp may be from now (default 300 s).
    public init(secrets: [String], toleranceSeconds: Int64 = 300) {
        self.keys = secrets.map { SymmetricKey(data: Array($0.utf8)) }
        self.tolerance = toleranceSeconds
    }

    /// Verifies `payload` against `header`. Returns the signed timestamp.
    @discardableResult
    public func verify<Payload: DataProtocol>(payload: Payload, header: String?, now: Date = Date()) throws(WebhookSignatureError) -> Int64 {
        guard let header, !header.isEmpty else { throw .missingHeader }
        let parsed = try SignatureHeader(parsing: header)
        let age = Int64(now.timeIntervalSince1970.rounded(.down)) - parsed.timestamp
        guard abs(age) <= tolerance else { throw .timestampOutsideTolerance(ageSeconds: age, toleranceSeconds: tolerance) }

        let prefix = Array("\(parsed.timestamp).".utf8)
        for key in keys {
            var hmac = HMAC<SHA256>(key: key)
            hmac.update(data: prefix)
            hmac.update(data: payload)
            let expected = hmac.finalize()
            // Every candidate is compared, so timing does not tell which one (if any) matched.
            var matched = false
            for signature in parsed.v1 where expected == signature {
                matched = true
            }
            if matched { return parsed.timestamp }
        }
        throw .noMatchingSignature
    }

    /// The header value that signs `payload` at `timestamp` with `secret`: what Stripe sends,
    /// and what the platform (and our tests and load generators) send to `/v1/events`.
    public static func header<Payload: DataProtocol>(payload: Payload, secret: String, timestamp: Int64) -> String {
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


/// `t=…,v1=…[,v1=…][,v0=…]`, parsed.
struct SignatureHeader: Equatable {
    var timestamp: Int64
    /// Decoded `v1` signatures; entries that are not 64 hex digits cannot match and are dropped.
    var v1: [[UInt8]]

    init(parsing header: String) throws(WebhookSignatureError) {
        var timestamp: Int64?
        var v1: [[UInt8]] = []
        var sawV1 = false
        for item in header.split(separator: ",", omittingEmptySubsequences: true) {
            let part = item.trimmingCharacters(in: .whitespaces)
            guard let equals = part.firstIndex(of: "=") else {
                throw .malformedHeader("expected key=value pairs")
            }
            let key = part[..<equals]
            let value = part[part.index(after: equals)...]
            switch key {
            case "t":
                guard timestamp == nil else { throw .malformedHeader("more than one timestamp") }
                guard let seconds = Int64(value), seconds > 0 else { throw .malformedHeader("the timestamp is not a unix time") }
                timestamp = seconds
            case "v1":
                sawV1 = true
                if let bytes = Self.decodeHex(value), bytes.count == 32 { v1.append(bytes) }
            default:
                continue  // v0 and schemes we do not know are ignored, as Stripe specifies
            }
        }
        guard let timestamp else { throw .malformedHeader("no timestamp") }
        guard sawV1 else { throw .noV1Signature }
        self.timestamp = timestamp
        self.v1 = v1
    }

    static func decodeHex(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
