import Foundation
import Testing

@testable import Notifications

@Suite struct EmailMessageTests {
    let message = EmailMessage(from: "Northwind Cloud Billing <billing@northwind.example>", replyTo: "help@northwind.example",
                               to: "ap@acme.example", subject: "Payment of €80.00 failed", text: "Hello ünïcode\nline 2",
                               html: "<p>Hello</p>", deliveryKey: "dc_in_1:notify-d0:email:ap@acme.example", date: 1_795_600_000)

    @Test func theMessageIDDependsOnlyOnTheDeliveryKey() {
        var again = message
        again.date += 3600
        again.text = "different"
        #expect(again.messageID == message.messageID)
        #expect(message.messageID.hasPrefix("<n-") && message.messageID.hasSuffix("@northwind.example>"))
        var other = message
        other.deliveryKey = "dc_in_1:notify-d3:email:ap@acme.example"
        #expect(other.messageID != message.messageID)
    }

    @Test func headersAreEncodedAndLinesEndInCRLF() throws {
        let text = String(decoding: message.rendered(), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains("From: Northwind Cloud Billing <billing@northwind.example>"))
        #expect(lines.contains("Subject: =?UTF-8?B?\(Data("Payment of €80.00 failed".utf8).base64EncodedString())?="))
        #expect(lines.contains("Date: Wed, 25 Nov 2026 09:46:40 +0000"))
        #expect(lines.contains("Message-ID: \(message.messageID)"))
        #expect(lines.contains("Reply-To: help@northwind.example"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        let encodedText = Data("Hello ünïcode\nline 2".utf8).base64EncodedString()
        #expect(lines.contains(encodedText))
    }

    @Test func aLineBreakInAHeaderValueCannotInjectHeaders() {
        var hostile = message
        hostile.subject = "Hi\r\nBcc: everyone@example.com"
        let lines = String(decoding: hostile.rendered(), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(!lines.contains { $0.hasPrefix("Bcc:") })
    }
}
