import AMQP
import PostgresNIO
import _ConnectionPoolModule

/// Decides whether a handler error is worth retrying, and describes it in one line that is
/// safe to keep in a dead-letter header (no query parameters, no secrets).
package enum FailureClassifier {
    static func classify(_ error: any Error) -> FailureKind {
        if let classified = error as? any ClassifiedError { return classified.failureKind }
        if error is DecodingError { return .permanent }
        // The pool could not open a connection for a while (its circuit breaker tripped).
        if error is ConnectionPoolError { return .databaseUnavailable }
        if let database = error as? PSQLError {
            switch database.code {
            case .server:
                break
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .sslUnsupported:
                return .databaseUnavailable
            default:
                return .transient  // a cancelled query, a message the client could not decode
            }
            guard let state = database.serverInfo?[.sqlState] else { return .transient }
            // 08 connection exception; 57P01–57P03 the server is shutting down or starting;
            // 53300 too many connections: the database, not the event, is the problem.
            if state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state) { return .databaseUnavailable }
            // 40 serialization/deadlock, 53 resources, 57 operator intervention (a statement
            // timeout), 58 system errors: another try can succeed. Data, integrity and syntax
            // errors cannot.
            return ["40", "53", "57", "58"].contains(String(state.prefix(2))) ? .transient : .permanent
        }
        return .transient
    }

    package static func describe(_ error: any Error) -> String {
        if let database = error as? PSQLError {
            if let info = database.serverInfo {
                return "database error \(info[.sqlState] ?? "?"): \(info[.message] ?? "")"
            }
            return "database error: \(database.code)"
        }
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, let context):
                return "undecodable payload: missing field \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))"
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                return "undecodable payload: bad field \(context.codingPath.map(\.stringValue).joined(separator: "."))"
            case .dataCorrupted(let context):
                return context.codingPath.isEmpty ? "undecodable payload: not valid JSON"
                    : "undecodable payload: bad field \(context.codingPath.map(\.stringValue).joined(separator: "."))"
            @unknown default:
                return "undecodable payload"
            }
        }
        return "\(error)"
    }
}
