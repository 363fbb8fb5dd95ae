import BillingCore
import Foundation
import Logging
import PostgresNIO

/// JSON for rows: ISO 8601 times, which PostgreSQL reads as `timestamptz` and writes back (with
/// or without fractional seconds) from `to_jsonb`.
enum RecordCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = parseTimestamp(text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a timestamp: \(text)"))
        }
        return decoder
    }

    static func json<Record: Encodable>(_ records: [Record]) throws -> String {
        String(decoding: try encoder.encode(records), as: UTF8.self)
    }

    /// PostgreSQL's JSON timestamps, `2026-11-24T10:00:00+00:00` with optional fractional
    /// seconds and any offset.
    static func parseTimestamp(_ text: String) -> Date? {
        RFC3339.postgresDate(text)
    }
}
