import DeviceCloudPostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// The throwaway PostgreSQL that `.ci/run` starts (`DC_TEST_POSTGRES_URL`), if any.
enum TestPostgres {
    static let url: String? = ProcessInfo.processInfo.environment["DC_TEST_POSTGRES_URL"]
    static var isAvailable: Bool { url != nil }
    static let unavailableReason: Comment = "DC_TEST_POSTGRES_URL is not set: .ci/run starts a PostgreSQL for these tests"

    /// The server's own settings, pointing at `database`.
    static func configuration(database: String) throws -> PostgresEventSink.Configuration {
        let text = try #require(url)
        let components = try #require(URLComponents(string: text))
        return PostgresEventSink.Configuration(
            host: try #require(components.host),
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password,
            database: database
        )
    }

    /// Creates an empty database for one test and returns the sink settings for it.
    static func freshDatabase() async throws -> PostgresEventSink.Configuration {
        let text = try #require(url)
        let components = try #require(URLComponents(string: text))
        let server = try configuration(database: String(components.path.dropFirst()))
        let name = "relay_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: server.host, port: server.port, username: server.username, password: server.password,
                database: server.database, tls: .disable
            ),
            id: 1,
            logger: Logger(label: "test")
        )
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "test"))
        try await connection.close()
        return try configuration(database: name)
    }

    /// Runs a query on a connection of its own and returns the first column of each row as `Int`.
    static func integers(_ sql: String, in configuration: PostgresEventSink.Configuration) async throws -> [Int] {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: .disable
            ),
            id: 2,
            logger: Logger(label: "test")
        )
        var values: [Int] = []
        do {
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")).decode(Int.self) {
                values.append(value)
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return values
    }

    /// Restarts the server (`pg_ctl restart -m immediate`, as the postgres user), when `.ci/run`
    /// said where it is.
    static func restart() async throws {
        let environment = ProcessInfo.processInfo.environment
        let bin = try #require(environment["DC_TEST_POSTGRES_BIN"], "DC_TEST_POSTGRES_BIN is not set")
        let data = try #require(environment["DC_TEST_POSTGRES_DATA"], "DC_TEST_POSTGRES_DATA is not set")
        // system(3) waits for the command itself; pg_ctl -w returns once the server accepts connections.
        let status = system("su postgres -s /bin/sh -c \"'\(bin)/pg_ctl' -D '\(data)' -m immediate -w restart\" > /dev/null 2>&1")
        try #require(status == 0, "pg_ctl restart failed (\(status))")
    }
}

