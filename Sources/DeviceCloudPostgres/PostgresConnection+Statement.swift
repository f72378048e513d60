import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Runs one statement and collects its rows, or fails at once when the connection is closed.
    ///
    /// PostgresNIO (1.33) writes a query to a closed connection's channel without a promise, so
    /// the query's own promise is never completed: its caller waits forever, cancelled or not,
    /// and once abandoned by a deadline the waiting task is a leak (LeakSanitizer showed one
    /// after a database restart). Checking the connection and writing the query in one step on
    /// the connection's event loop leaves no moment for the channel to close in between; a
    /// connection that closes afterwards fails the statement it holds.
    ///
    /// - Throws: ``PostgresSinkError/Code/connectionFailed`` when the connection is closed, or
    ///   what the statement throws.
    func statement(_ query: PostgresQuery, logger: Logger) async throws -> PostgresQueryResult {
        try await self.eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            guard !self.isClosed else {
                return self.eventLoop.makeFailedFuture(PostgresSinkError(.connectionFailed, "the connection is closed"))
            }
            return self.query(query, logger: logger)
        }.get()
    }

    /// Runs one statement (see ``statement(_:logger:)``) and decodes the first column of each row.
    func statement<Value: PostgresDecodable>(_ query: PostgresQuery, returning type: Value.Type, logger: Logger) async throws -> [Value] {
        try await self.statement(query, logger: logger).map { try $0.decode(Value.self) }
    }

    /// Runs `body` in a transaction whose statements go through ``statement(_:logger:)``:
    /// committed when `body` returns, rolled back when it throws.
    func inTransaction<Result>(logger: Logger, _ body: () async throws -> Result) async throws -> Result {
        _ = try await self.statement("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body()
        } catch {
            _ = try? await self.statement("ROLLBACK", logger: logger)
            throw error
        }
        _ = try await self.statement("COMMIT", logger: logger)
        return result
    }
}
