import Crypto
import Foundation
import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudRelay
import GRDB
import GRDBSQLite
import NIOCore

/// Inserts the events of batches with one prepared statement, binding each value straight from
/// the event (no intermediate row, no copy of the body), inside the caller's transaction.
enum SQLiteEventInserter {
    /// SQLite copies the bound bytes (`SQLITE_TRANSIENT`): the buffers only live for the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Inserts every event of `batches`; returns how many rows were new.
    static func insert(_ batches: [MonitorBatch], into db: Database) throws -> Int {
        let statement = try db.cachedStatement(sql: SQLiteRelaySchema.insert)
        let handle = statement.sqliteStatement
        let connection = db.sqliteConnection
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        // One receive time for the whole transaction, bound like the other values: SQLite's
        // strftime default would be evaluated again for every row.
        let receivedAt = Self.now()
        var inserted = 0
        for batch in batches {
            for event in batch.events {
                sqlite3_reset(handle)
                sqlite3_bind_int64(handle, 1, Int64(batch.monitorID))
                sqlite3_bind_int64(handle, 2, Int64(batch.blockID))
                Self.bind(event.topic, at: 3, to: handle)
                Self.bind(event.operation.rawValue, at: 4, to: handle)
                Self.bind(event.timestamp, at: 5, to: handle)
                Self.bind(event.group, at: 6, to: handle)
                Self.bind(event.resourceType, at: 7, to: handle)
                Self.bind(event.format == .xml ? "xml" : "json", at: 8, to: handle)
                event.body.withUnsafeReadableBytes { bytes in
                    // An empty body still binds text (''), never NULL.
                    let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
                    _ = sqlite3_bind_text(handle, 9, base?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
                }
                StoredEvent.digest(of: event).withUnsafeBytes { key in
                    _ = sqlite3_bind_blob(handle, 10, key.baseAddress, Int32(key.count), Self.transient)
                }
                Self.bind(receivedAt, at: 11, to: handle)
                let code = sqlite3_step(handle)
                guard code == SQLITE_DONE else {
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: code),
                        message: connection.map { String(cString: sqlite3_errmsg($0)) }
                    )
                }
                inserted += Int(sqlite3_changes(connection))
            }
        }
        return inserted
    }

    /// Now, as the schema's `received_at` default writes it (`2026-12-01T01:05:56.123Z`).
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var parts = tm()
        var seconds = time.tv_sec
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(time.tv_nsec / 1_000_000))
    }

    private static func bind(_ text: String?, at index: Int32, to handle: SQLiteStatement) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            let base = bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)
            _ = sqlite3_bind_text(handle, index, base?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
        }
    }
}
