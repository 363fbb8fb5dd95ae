import Foundation

/// A value in an AMQP field table (message headers, queue arguments).
public indirect enum AMQPFieldValue: Sendable, Hashable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    /// Seconds since 1970, as AMQP timestamps are.
    case timestamp(UInt64)
    case array([AMQPFieldValue])
    case table([String: AMQPFieldValue])
    case void

    /// The value as a string, when it is one (UTF-8 bytes included).
    public var stringValue: String? {
        switch self {
        case .string(let s): s
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        default: nil
        }
    }

    /// The value as an integer, when it is one.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}
