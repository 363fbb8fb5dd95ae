import BillingCore
import Foundation

/// A row of one of the lifecycle tables. Its coding keys are the table's column names, so rows
/// travel to and from PostgreSQL as JSON (`jsonb_populate_recordset`, `to_jsonb`): one
/// statement writes a whole batch of rows.
package protocol LifecycleRecord: Codable, Sendable, Equatable {
    associatedtype CodingKeys: CodingKey & CaseIterable & RawRepresentable<String>
    static var table: String { get }
    /// The columns of the conflict target.
    static var key: [String] { get }
}

extension LifecycleRecord {
    static var columns: [String] { CodingKeys.allCases.map(\.rawValue) }
}
