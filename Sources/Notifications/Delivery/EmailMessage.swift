import BillingCore
import Crypto
import Foundation

/// An RFC 5322 message, `multipart/alternative` with a plain-text and an HTML part, built so
/// that sending it twice is recognisable: the `Message-ID` derives from the notification's
/// delivery key, so a receiver (or its spam filter) sees one message, however often it comes.
package struct EmailMessage: Sendable {
    package var from: String
    package var replyTo: String?
    package var to: String
    package var subject: String
    package var text: String
    package var html: String
    package var deliveryKey: String
    /// Unix seconds, for the Date header.
    package var date: Int64

    package init(from: String, replyTo: String? = nil, to: String, subject: String, text: String, html: String, deliveryKey: String,
                date: Int64) {
        self.from = from
        self.replyTo = replyTo
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.deliveryKey = deliveryKey
        self.date = date
    }

    /// `<n-<32 hex of SHA-256(delivery key)>@<the sender's domain>>`.
    package var messageID: String {
        let digest = deliveryDigest(deliveryKey)
        let domain = from.split(separator: "@").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "> ")) } ?? "localhost"
        return "<n-\(digest)@\(domain.isEmpty ? "localhost" : domain)>"
    }

    /// The message as sent: CRLF line endings, bodies in base64 (UTF-8 safe, short lines).
    package func rendered() -> [UInt8] {
        let boundary = "=_" + messageID.dropFirst(3).prefix(32)
        var lines = [
            "From: \(Self.encodeHeader(from))",
            "To: \(to)",
        ]
        if let replyTo { lines.append("Reply-To: \(replyTo)") }
        lines += [
            "Subject: \(Self.encodeHeader(subject))",
            "Date: \(UTCDisplay.rfc5322(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines(text),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines(html),
            "--\(boundary)--",
            "",
        ]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// ASCII as is; anything else as an RFC 2047 encoded word (UTF-8, base64). A display name
    /// with an address keeps the address readable.
    static func encodeHeader(_ value: String) -> String {
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy(\.isASCII) { return clean }
        if let open = clean.lastIndex(of: "<"), clean.hasSuffix(">") {
            let name = clean[..<open].trimmingCharacters(in: .whitespaces)
            return "\(encodedWord(name)) \(clean[open...])"
        }
        return encodedWord(clean)
    }

    static func encodedWord(_ text: String) -> String {
        "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func base64Lines(_ text: String) -> String {
        Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }
}

/// 32 hex digits of SHA-256 of a delivery key: the same for every attempt of one message, so
/// receivers can drop a repeat (`Message-ID`, `webhook-id`).
func deliveryDigest(_ deliveryKey: String) -> String {
    SHA256.hash(data: Array(deliveryKey.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
}
