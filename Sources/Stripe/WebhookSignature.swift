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
    private let keys: [KeyedSHA256]
    public let tolerance: Int64

    /// - Parameters:
    ///   - secrets: the signing secrets, current first.
    ///   - toleranceSeconds: how far the signed timestamp may be from now (default 300 s).
    public init(secrets: [String], toleranceSeconds: Int64 = 300) {
        self.keys = secrets.map { KeyedSHA256(key: Array($0.utf8)) }
        self.tolerance = toleranceSeconds
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

/// HMAC-SHA256 (RFC 2104) with the key's two padded blocks hashed once, when the verifier is
/// made: each verification then hashes only the signed bytes. The result is the same as
/// `HMAC<SHA256>` (the tests check both against the vectors and Stripe's SDK).
struct KeyedSHA256: Sendable {
    private let inner: SHA256
    private let outer: SHA256

    init(key: [UInt8]) {
        var block = key.count > 64 ? Array(SHA256.hash(data: key)) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    func authenticate(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> SHA256Digest {
        var hash = inner
        hash.update(bufferPointer: first)
        hash.update(bufferPointer: second)
        var outerHash = outer
        hash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize()
    }
}

/// `t=…,v1=…[,v1=…][,v0=…]`, parsed byte by byte (this runs for every webhook).
struct SignatureHeader: Equatable {
    var timestamp: Int64
    /// The timestamp exactly as sent: the signed string starts with these bytes.
    var timestampDigits: [UInt8]
    /// Decoded `v1` signatures; entries that are not 64 hex digits cannot match and are dropped.
    var v1: [[UInt8]]

    init(parsing header: String) throws(WebhookSignatureError) {
        var timestamp: Int64?
        var digits: [UInt8] = []
        var v1: [[UInt8]] = []
        var sawV1 = false
        var utf8 = header
        let failure: WebhookSignatureError? = utf8.withUTF8 { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                var low = start
                var high = end
                while low < high, bytes[low] == UInt8(ascii: " ") { low += 1 }
                while high > low, bytes[high - 1] == UInt8(ascii: " ") { high -= 1 }
                start = end + 1
                if low == high { continue }
                guard let equals = (low..<high).first(where: { bytes[$0] == UInt8(ascii: "=") }) else {
                    return .malformedHeader("expected key=value pairs")
                }
                let key = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[low..<equals])
                let value = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[(equals + 1)..<high])
                if key.elementsEqual([UInt8(ascii: "t")]) {
                    guard timestamp == nil else { return .malformedHeader("more than one timestamp") }
                    guard let seconds = Self.decimal(value), seconds > 0 else { return .malformedHeader("the timestamp is not a unix time") }
                    timestamp = seconds
                    digits = Array(value)
                } else if key.elementsEqual([UInt8(ascii: "v"), UInt8(ascii: "1")]) {
                    sawV1 = true
                    if value.count == 64, let decoded = Self.decodeHex(value) { v1.append(decoded) }
                }
                // v0 and schemes we do not know are ignored, as Stripe specifies.
            }
            return nil
        }
        if let failure { throw failure }
        guard let timestamp else { throw .malformedHeader("no timestamp") }
        guard sawV1 else { throw .noV1Signature }
        self.timestamp = timestamp
        self.timestampDigits = digits
        self.v1 = v1
    }

    static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    static func decodeHex(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count / 2)
        var index = 0
        while index < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
