import GRDB

/// The relay's tables in SQLite, created on first use and versioned in `relay_schema`.
enum SQLiteRelaySchema {
    /// The version this code writes.
    static let currentVersion = 1

    /// Creates or checks the schema inside one transaction.
    static func prepare(_ db: Database, path: String) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS relay_schema (
                version INTEGER PRIMARY KEY,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            )
            """)
        let version = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM relay_schema") ?? 0
        if version > Self.currentVersion {
            throw SQLiteSinkError(
                .newerSchema,
                "\(path) has relay schema version \(version); this relay knows versions up to \(Self.currentVersion): use a newer relay"
            )
        }
        if version < 1 {
            try db.execute(sql: """
                CREATE TABLE monitor_events (
                    id INTEGER PRIMARY KEY,
                    monitor_id INTEGER NOT NULL,
                    block_id INTEGER NOT NULL,
                    topic TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    event_time TEXT,
                    event_group TEXT,
                    resource_type TEXT NOT NULL,
                    format TEXT NOT NULL CHECK (format IN ('json', 'xml')),
                    body TEXT NOT NULL,
                    event_key BLOB NOT NULL,
                    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                    UNIQUE (monitor_id, event_key)
                );
                INSERT INTO relay_schema (version) VALUES (1);
                """)
        }
    }

    /// The idempotent insert: a row whose (monitor, key) is already stored is skipped.
    static let insert = """
        INSERT INTO monitor_events
            (monitor_id, block_id, topic, operation, event_time, event_group, resource_type, format, body, event_key, received_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (monitor_id, event_key) DO NOTHING
        """
}
