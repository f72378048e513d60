public import DeviceCloud
public import DeviceCloudRelay
import Foundation
import GRDB

/// Stores relayed events in one SQLite file, in the `monitor_events` table.
///
/// ```swift
/// let sink = try SQLiteEventSink(path: "events.sqlite")
/// let relay = MonitorRelay(sink: sink, sources: [.session(session)])
/// ```
///
/// - One writer: the sink holds an exclusive lock on a file beside the database
///   (`PATH-relay-lock`) while it is open, so a second relay on the same file fails with
///   ``SQLiteSinkError/Code/databaseInUse`` instead of interleaving writes. Readers (the
///   `sqlite3` shell, reports) may open the database at any time.
/// - Write-ahead log (`journal_mode=WAL`), one transaction per relay commit, one cached prepared
///   statement for the insert.
/// - Durability: see ``Configuration/Synchronous``. With the default
///   ``Configuration/Synchronous/full`` a transaction is fsynced to the log before
///   ``write(_:)`` returns, so every acknowledged block survives a crash of the relay
///   (`kill -9`) and a power loss or kernel crash too, on a disk that honours flushes.
/// - Effectively once: `INSERT … ON CONFLICT (monitor_id, event_key) DO NOTHING`, so a replayed
///   block stores nothing twice; skipped rows are counted as duplicates.
public final class SQLiteEventSink: MonitorSink {
    /// How the database is opened.
    public struct Configuration: Sendable {
        /// SQLite's `synchronous` setting, which decides what a committed transaction survives.
        public enum Synchronous: String, Sendable, Hashable {
            /// `synchronous=FULL`: each commit is fsynced to the write-ahead log before it returns.
            /// An acknowledged block survives a crash of the relay and a power loss.
            case full = "FULL"
            /// `synchronous=NORMAL`: commits reach the operating system, not the disk; the log is
            /// fsynced at checkpoints. An acknowledged block survives a crash of the relay
            /// (`kill -9`), but the last commits before a power loss or kernel crash may be rolled
            /// back: the service then no longer has those blocks either (they were acknowledged),
            /// so they are lost. Faster on slow disks.
            case normal = "NORMAL"
        }

        /// What a commit survives; ``Synchronous/full`` by default.
        public var synchronous: Synchronous
        /// A cap on the database's size in bytes (`max_page_count`); writes beyond it fail with
        /// ``SQLiteSinkError/Code/databaseFull`` and are retried by the relay without
        /// acknowledging anything. `nil` for no cap but the disk's.
        public var maximumSize: Int?

        /// Creates a configuration.
        public init(synchronous: Synchronous = .full, maximumSize: Int? = nil) {
            self.synchronous = synchronous
            self.maximumSize = maximumSize
        }
    }

    /// The page size of a database the sink creates, in bytes.
    static let pageSize = 32_768

    /// The database file.
    public let path: String
    private let queue: DatabaseQueue
    private let lock: SQLiteWriterLock

    /// Opens (creating if needed) the database at `path`, takes the writer lock, and creates or
    /// checks the schema.
    ///
    /// - Throws: ``SQLiteSinkError`` (``SQLiteSinkError/Code/databaseInUse`` when another relay
    ///   has it, ``SQLiteSinkError/Code/readOnly`` when it cannot be written, …).
    public init(path: String, configuration: Configuration = Configuration()) throws(SQLiteSinkError) {
        self.path = path
        if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 {
            throw SQLiteSinkError(
                .readOnly,
                "\(path) is read-only (\(String(cString: strerror(errno)))): the relay must write to it; nothing was acknowledged"
            )
        }
        self.lock = try SQLiteWriterLock(databasePath: path)
        var options = GRDB.Configuration()
        options.label = "devicecloud.relay.sqlite"
        options.busyMode = .timeout(5)
        let synchronous = configuration.synchronous.rawValue
        let maximumSize = configuration.maximumSize
        // The journal mode is set here rather than with GRDB's `journalMode = .wal`, which runs
        // after this and sets `synchronous = NORMAL`, silently weakening the promise of `FULL`.
        options.prepareDatabase { db in
            // Effective only while the file is new and empty: large pages halve the time a commit
            // spends writing the log for rows of this size (measured in the README).
            try db.execute(sql: "PRAGMA page_size = \(SQLiteEventSink.pageSize)")
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw SQLiteSinkError(.cannotOpen, "\(path): the write-ahead log cannot be turned on")
            }
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        do {
            self.queue = try DatabaseQueue(path: path, configuration: options)
            try self.queue.write { db in try SQLiteRelaySchema.prepare(db, path: path) }
            if let maximumSize {
                // After opening: the queue's one connection keeps it, and opening needs a page or two.
                try self.queue.writeWithoutTransaction { db in
                    let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                    try db.execute(sql: "PRAGMA max_page_count = \(max(1, maximumSize / pageSize))")
                }
            }
        } catch let error as SQLiteSinkError {
            throw error
        } catch {
            throw Self.sinkError(error, path: path, opening: true)
        }
    }

    /// Stores the events of `batches` in one transaction; returns once it is committed.
    ///
    /// - Throws: ``SQLiteSinkError``; the transaction is then rolled back.
    public func write(_ batches: [MonitorBatch]) async throws -> MonitorSinkReceipt {
        let events = batches.reduce(0) { $0 + $1.events.count }
        if events == 0 { return MonitorSinkReceipt(inserted: 0, duplicates: 0) }
        do {
            let inserted = try await self.queue.write { db in try SQLiteEventInserter.insert(batches, into: db) }
            return MonitorSinkReceipt(inserted: inserted, duplicates: events - inserted)
        } catch {
            throw Self.sinkError(error, path: self.path, opening: false)
        }
    }

    /// A setting of the sink's own connection as SQLite reports it (`PRAGMA name`), for tests.
    func pragma(_ name: String) async throws -> String? {
        try await self.queue.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// The number of stored events (for reports and tests).
    public func count() async throws -> Int {
        do {
            return try await self.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM monitor_events") ?? 0 }
        } catch {
            throw Self.sinkError(error, path: self.path, opening: false)
        }
    }

    private static func sinkError(_ error: any Error, path: String, opening: Bool) -> SQLiteSinkError {
        if let error = error as? SQLiteSinkError { return error }
        guard let database = error as? DatabaseError else {
            return SQLiteSinkError(.writeFailed, "\(path): \(error)")
        }
        let detail = database.message ?? "\(database.resultCode)"
        switch database.resultCode.primaryResultCode {
        case .SQLITE_READONLY, .SQLITE_PERM:
            return SQLiteSinkError(
                .readOnly,
                "\(path) is read-only (\(detail)): the relay must write the file and create \(path)-wal beside it; nothing was acknowledged"
            )
        case .SQLITE_FULL:
            return SQLiteSinkError(.databaseFull, "\(path) is full (\(detail)): free disk space or raise the size cap; nothing was acknowledged")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return SQLiteSinkError(.databaseInUse, "\(path) is locked by another process (\(detail))")
        case .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return SQLiteSinkError(.cannotOpen, "cannot open \(path) as a database (\(detail))")
        default:
            return SQLiteSinkError(
                .writeFailed, (opening ? "cannot prepare \(path): " : "a transaction on \(path) failed: ") + detail)
        }
    }
}
