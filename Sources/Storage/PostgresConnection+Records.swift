import Foundation
import Logging
import PostgresNIO

/// Rows of ``LifecycleRecord`` tables travel as JSON (`to_jsonb` out, `jsonb_populate_recordset`
/// in), so a batch of any size is one statement per table. These are the statements every
/// store shares.
extension PostgresConnection {
    /// The records a query of one `to_jsonb(…)::text` column returns.
    func records<Record: LifecycleRecord>(_: Record.Type, _ query: PostgresQuery, logger: Logger) async throws -> [Record] {
        let decoder = RecordCoding.decoder
        var records: [Record] = []
        for try await json in try await self.query(query, logger: logger).decode(String.self) {
            records.append(try decoder.decode(Record.self, from: Data(json.utf8)))
        }
        return records
    }

    /// Inserts or replaces `records` by their key; when `versioned`, a row is only replaced by a
    /// newer version (compared by the event that made it), whatever the caller decided.
    func upsert<Record: LifecycleRecord>(_ records: [Record], versioned: Bool, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        let sql = Self.upsertSQL(Record.self, versioned: versioned)
        _ = try await query(PostgresQuery(unsafeSQL: sql, binds: Self.binds(try RecordCoding.json(records))), logger: logger).collect()
    }

    /// Inserts `records`, leaving rows that exist as they are.
    func insert<Record: LifecycleRecord>(_ records: [Record], logger: Logger) async throws {
        guard !records.isEmpty else { return }
        _ = try await query(PostgresQuery(unsafeSQL: Self.insertSQL(Record.self), binds: Self.binds(try RecordCoding.json(records))),
                            logger: logger).collect()
    }

    /// One JSON bind, `$1`.
    static func binds(_ json: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(json)
        return binds
    }

    /// `INSERT … SELECT … FROM jsonb_populate_recordset … ON CONFLICT DO UPDATE`, the update
    /// guarded by the row version when `versioned` (compared byte-wise, as Swift compares ids).
    static func upsertSQL<Record: LifecycleRecord>(_: Record.Type, versioned: Bool) -> String {
        let columns = Record.columns.joined(separator: ", ")
        var updates = Record.columns.filter { !Record.key.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }
        var guardClause = ""
        if versioned {
            updates.append("updated_at = now()")
            guardClause = """
                 WHERE (\(Record.table).last_event_created, \(Record.table).last_event_id COLLATE "C")
                     < (EXCLUDED.last_event_created, EXCLUDED.last_event_id COLLATE "C")
                """
        }
        return """
            INSERT INTO \(Record.table) (\(columns))
            SELECT \(columns) FROM jsonb_populate_recordset(NULL::\(Record.table), $1::jsonb)
            ON CONFLICT (\(Record.key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))\(guardClause)
            """
    }

    static func insertSQL<Record: LifecycleRecord>(_: Record.Type) -> String {
        let columns = Record.columns.joined(separator: ", ")
        return """
            INSERT INTO \(Record.table) (\(columns))
            SELECT \(columns) FROM jsonb_populate_recordset(NULL::\(Record.table), $1::jsonb)
            ON CONFLICT DO NOTHING
            """
    }
}
