import Foundation
import NIOSSL
import PostgresNIO

/// What went wrong with the database.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// The database URL could not be used; fix the configuration.
    case invalidURL(reason: String)
    /// A migration failed; nothing of it was applied (each runs in the transaction of the run).
    case migrationFailed(version: Int, name: String, reason: String)
    /// The database has migrations this build does not know: it is older than the schema.
    case unknownMigrations(versions: [Int])

    /// What went wrong, in one line.
    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid database URL: \(reason)"
        case .migrationFailed(let version, let name, let reason): "migration \(version) (\(name)) failed: \(reason)"
        case .unknownMigrations(let versions):
            "the database has migrations this build does not know (\(versions.map(String.init).joined(separator: ", "))); deploy a newer build"
        }
    }
}
