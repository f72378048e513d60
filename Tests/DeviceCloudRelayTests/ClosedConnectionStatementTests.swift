@testable import DeviceCloudPostgres
import DeviceCloudTestSupport
import Logging
import PostgresNIO
import Testing

/// PostgresNIO's own `query` on a connection that has closed never returns, even when its task is
/// cancelled (its promise is written to the channel with no way back): the lease worker's and the
/// sink's statements go through `statement(_:logger:)`, which must fail instead.
@Suite("Statements on a closed connection")
struct ClosedConnectionStatementTests {
    @Test("a statement on a connection that has closed fails at once with connectionFailed", .enabled(if: TestPostgres.isAvailable))
    func closedConnectionFails() async throws {
        let server = try TestPostgres.configuration(database: "postgres")
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: server.host, port: server.port, username: server.username, password: server.password,
                database: server.database, tls: .disable
            ),
            id: 1,
            logger: logger
        )
        #expect(try await connection.statement("SELECT 41 + 1", returning: Int.self, logger: logger) == [42])
        try await connection.close()
        let error = try await withTimeout(.seconds(5)) {
            await #expect(throws: PostgresSinkError.self) {
                _ = try await connection.statement("SELECT 1", logger: logger)
            }
        }
        #expect(error?.code == .connectionFailed)
    }
}
