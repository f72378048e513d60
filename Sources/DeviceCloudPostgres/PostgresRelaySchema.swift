import Logging
import PostgresNIO

/// The relay's tables in PostgreSQL, created on first use and versioned in `relay_schema`.
enum PostgresRelaySchema {
    /// The version this code writes.
    static let currentVersion = 1
    /// The transaction-level advisory lock that serialises schema changes between relays.
    static let migrationLock: Int64 = 0x4443_5265_6C61_7953

    /// Creates or checks the schema in one transaction; safe with several relays starting at once.
    static func prepare(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.inTransaction(logger: logger) {
            _ = try await connection.statement("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            _ = try await connection.statement(
                """
                CREATE TABLE IF NOT EXISTS relay_schema (
                    version integer PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            let version = try await connection.statement(
                "SELECT COALESCE(MAX(version), 0) FROM relay_schema", returning: Int.self, logger: logger
            ).last ?? 0
            if version > Self.currentVersion {
                throw PostgresSinkError(
                    .newerSchema,
                    "the database has relay schema version \(version); this relay knows versions up to \(Self.currentVersion): use a newer relay"
                )
            }
            if version < 1 {
                _ = try await connection.statement(
                    """
                    CREATE TABLE monitor_events (
                        id bigserial PRIMARY KEY,
                        monitor_id bigint NOT NULL,
                        block_id integer NOT NULL,
                        topic text NOT NULL,
                        operation text NOT NULL,
                        event_time text,
                        event_group text,
                        resource_type text NOT NULL,
                        format text NOT NULL CHECK (format IN ('json', 'xml')),
                        body text NOT NULL,
                        event_key bytea NOT NULL,
                        received_at timestamptz NOT NULL DEFAULT now(),
                        UNIQUE (monitor_id, event_key)
                    )
                    """,
                    logger: logger
                )
                _ = try await connection.statement(
                    """
                    CREATE TABLE IF NOT EXISTS relay_workers (
                        worker_id text PRIMARY KEY,
                        backend_pid integer NOT NULL,
                        heartbeat_at timestamptz NOT NULL DEFAULT now(),
                        monitors bigint[] NOT NULL DEFAULT '{}'
                    )
                    """,
                    logger: logger
                )
                _ = try await connection.statement("INSERT INTO relay_schema (version) VALUES (1)", logger: logger)
            }
        }
    }

    /// One statement per transaction: every row's columns as arrays, unnested server-side, so a
    /// transaction of any size is one round trip with ten parameters. Skipped rows are the
    /// difference between the rows sent and the count returned.
    static let insert = """
        WITH inserted AS (
            INSERT INTO monitor_events
                (monitor_id, block_id, topic, operation, event_time, event_group, resource_type, format, body, event_key)
            SELECT m, b, t, o, NULLIF(et, ''), NULLIF(eg, ''), r, f, body, k
            FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                        $9::text[], $10::bytea[]) AS rows (m, b, t, o, et, eg, r, f, body, k)
            ON CONFLICT (monitor_id, event_key) DO NOTHING
            RETURNING 1
        )
        SELECT COUNT(*) FROM inserted
        """
}
