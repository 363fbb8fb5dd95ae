import Crypto
import Foundation

/// `t=…,v1=…[,v1=…][,v0=…]`, parsed byte by byte (this runs for every webhook).
struct SignatureHeader: Equatable {
    var timestamp: Int64
    /// The timestamp exactly as sent: the signed string starts with these bytes.
    var timestampDigits: [UInt8]
    /// Decoded `v1` signatures; entries that are not 64 lower-case hex digits cannot match and
    /// are dropped (Stripe's own libraries compare the lower-case hex string).
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
                    return .malformedHeader(detail: "expected key=value pairs")
                }
                let key = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[low..<equals])
                let value = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[(equals + 1)..<high])
                if key.elementsEqual([UInt8(ascii: "t")]) {
                    guard timestamp == nil else { return .malformedHeader(detail: "more than one timestamp") }
                    guard let seconds = Self.decimal(value), seconds > 0 else { return .malformedHeader(detail: "the timestamp is not a unix time") }
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
        guard let timestamp else { throw .malformedHeader(detail: "no timestamp") }
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
            default: nil  // upper case included: Stripe signs in lower case only
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
