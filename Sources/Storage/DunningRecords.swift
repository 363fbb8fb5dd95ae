import BillingCore
import Foundation
import Logging
import PostgresNIO

/// Decoding of dunning rows read as JSON outside a ``DunningStore``.
public enum DunningRecords {
    public static func decode(_ json: String) throws -> CaseRecord {
        try RecordCoding.decoder.decode(CaseRecord.self, from: Data(json.utf8))
    }
}
