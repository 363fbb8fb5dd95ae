import Foundation
import Testing

@testable import Stripe

@Suite("WebhookSignatureVerifier")
struct WebhookSignatureVerifierTests {
    static let timestamp: Int64 = 1_700_000_000
    static let now = Date(timeIntervalSince1970: TimeInterval(timestamp))
    static let body = Array(#"{"id":"evt_test_webhook","object":"event"}"#.utf8)

    // The issue's vectors, computed independently of this code.
    static let currentSignature = "d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990"
    static let oldSignature = "1de589abed7921316157c1e4fb7961c5840dcd903a3c986f1febdea00ffb9247"
    static let unicodeSignature = "35cf8a2d21dd98c070c4677d8c5cf97c55be01f2bd70bbbc378b46d7e31e8c6a"

    let verifier = WebhookSignatureVerifier(secrets: ["whsec_test_secret"])

    @Test func signsTheKnownVectors() {
        #expect(WebhookSignatureVerifier.header(payload: Self.body, secret: "whsec_test_secret", timestamp: Self.timestamp)
            == "t=\(Self.timestamp),v1=\(Self.currentSignature)")
        #expect(WebhookSignatureVerifier.header(payload: Self.body, secret: "whsec_old", timestamp: Self.timestamp)
            == "t=\(Self.timestamp),v1=\(Self.oldSignature)")
        #expect(WebhookSignatureVerifier.header(payload: Array(#"{"name":"café"}"#.utf8), secret: "whsec_test_secret", timestamp: Self.timestamp)
            == "t=\(Self.timestamp),v1=\(Self.unicodeSignature)")
    }

    @Test func acceptsAKnownVector() throws {
        #expect(try verifier.verify(payload: Self.body, header: "t=\(Self.timestamp),v1=\(Self.currentSignature)", now: Self.now) == Self.timestamp)
        #expect(throws: Never.self) {
            try verifier.verify(payload: Array(#"{"name":"café"}"#.utf8), header: "t=\(Self.timestamp),v1=\(Self.unicodeSignature)", now: Self.now)
        }
    }

    @Test func acceptsAnyV1UnderAnySecretDuringRotation() throws {
        let rotating = WebhookSignatureVerifier(secrets: ["whsec_test_secret", "whsec_old"])
        // Signed with the old secret only.
        try rotating.verify(payload: Self.body, header: "t=\(Self.timestamp),v1=\(Self.oldSignature)", now: Self.now)
        // Several v1 entries, the matching one last, and a v0 and an unknown scheme ignored.
        let header = "t=\(Self.timestamp),v1=\(String(repeating: "0", count: 64)),v0=abc,v9=zzz,v1=\(Self.currentSignature)"
        try verifier.verify(payload: Self.body, header: header, now: Self.now)
        // Upper-case hex is not what Stripe sends, and Stripe's own libraries do not match it.
        #expect(throws: WebhookSignatureError.noMatchingSignature) {
            try verifier.verify(payload: Self.body, header: "t=\(Self.timestamp),v1=\(Self.currentSignature.uppercased())", now: Self.now)
        }
        #expect(throws: WebhookSignatureError.noMatchingSignature) {
            try WebhookSignatureVerifier(secrets: ["whsec_other"]).verify(
                payload: Self.body, header: "t=\(Self.timestamp),v1=\(Self.oldSignature)", now: Self.now)
        }
    }

    @Test func refusesATamperedBody() {
        var tampered = Self.body
        tampered[7] ^= 1
        #expect(throws: WebhookSignatureError.noMatchingSignature) {
            try verifier.verify(payload: tampered, header: "t=\(Self.timestamp),v1=\(Self.currentSignature)", now: Self.now)
        }
        // The same signature under another timestamp is not valid either.
        #expect(throws: WebhookSignatureError.noMatchingSignature) {
            try verifier.verify(payload: Self.body, header: "t=\(Self.timestamp + 1),v1=\(Self.currentSignature)", now: Self.now)
        }
    }

    @Test func refusesStaleAndFutureTimestamps() throws {
        let header = "t=\(Self.timestamp),v1=\(Self.currentSignature)"
        try verifier.verify(payload: Self.body, header: header, now: Self.now.addingTimeInterval(300))
        try verifier.verify(payload: Self.body, header: header, now: Self.now.addingTimeInterval(-300))
        #expect(throws: WebhookSignatureError.timestampOutsideTolerance(ageSeconds: 301, toleranceSeconds: 300)) {
            try verifier.verify(payload: Self.body, header: header, now: Self.now.addingTimeInterval(301))
        }
        #expect(throws: WebhookSignatureError.timestampOutsideTolerance(ageSeconds: -301, toleranceSeconds: 300)) {
            try verifier.verify(payload: Self.body, header: header, now: Self.now.addingTimeInterval(-301))
        }
        let lenient = WebhookSignatureVerifier(secrets: ["whsec_test_secret"], toleranceSeconds: 3600)
        try lenient.verify(payload: Self.body, header: header, now: Self.now.addingTimeInterval(3000))
    }

    @Test(arguments: [
        (nil, WebhookSignatureError.missingHeader),
        ("", .missingHeader),
        ("garbage", .malformedHeader(detail: "expected key=value pairs")),
        ("v1=\(currentSignature)", .malformedHeader(detail: "no timestamp")),
        ("t=abc,v1=\(currentSignature)", .malformedHeader(detail: "the timestamp is not a unix time")),
        ("t=1,t=2,v1=\(currentSignature)", .malformedHeader(detail: "more than one timestamp")),
        ("t=\(timestamp)", .noV1Signature),
        ("t=\(timestamp),v0=\(currentSignature)", .noV1Signature),
        ("t=\(timestamp),v1=nothex", .noMatchingSignature),
        ("t=\(timestamp),v1=\(currentSignature.prefix(62))", .noMatchingSignature),
    ] as [(String?, WebhookSignatureError)])
    func refusesBadHeadersWithTheirReason(header: String?, expected: WebhookSignatureError) {
        #expect(throws: expected) { try verifier.verify(payload: Self.body, header: header, now: Self.now) }
    }

    @Test func errorsNeverRepeatTheSignatureOrSecret() {
        for error: WebhookSignatureError in [.missingHeader, .malformedHeader(detail: "x"), .noV1Signature, .noMatchingSignature,
                                             .timestampOutsideTolerance(ageSeconds: 999, toleranceSeconds: 300)] {
            #expect(!error.description.contains(Self.currentSignature))
            #expect(!error.description.contains("whsec_"))
            #expect(!error.reason.contains(" "))
        }
    }
}
