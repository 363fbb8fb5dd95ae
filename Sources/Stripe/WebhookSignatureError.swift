import Crypto
import Foundation

/// Why a webhook signature was refused. Says what is wrong, never the secret or the full signature.
public enum WebhookSignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No signature header at all.
    case missingHeader
    /// The header is not `t=<unix seconds>,v1=<hex>[,…]`.
    case malformedHeader(detail: String)
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

    /// A sentence for logs and error responses; never the secret or the full signature.
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
