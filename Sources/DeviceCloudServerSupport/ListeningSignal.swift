import Synchronization

/// Tells waiters the bound port once a server listens, or why it never will.
///
/// Shared by the package's servers (simulator, HTTP receiver); not part of the public API.
package final class ListeningSignal: Sendable {
    private let outcome = Mutex<Result<Int, any Error>?>(nil)
    private let waiters = Waiters<Result<Int, any Error>?>()

    /// The port, once listening (and still after the server stopped).
    package var port: Int? {
        self.outcome.withLock { outcome in
            guard case .success(let port) = outcome else { return nil }
            return port
        }
    }

    /// Creates a signal nobody has answered yet.
    package init() {}

    /// The server listens on `port`.
    package func succeed(port: Int) {
        self.finish(.success(port))
    }

    /// Fails the waiters; does nothing once the port is known.
    package func fail(_ error: any Error) {
        self.finish(.failure(error))
    }

    private func finish(_ result: Result<Int, any Error>) {
        let first = self.outcome.withLock { outcome in
            guard outcome == nil else { return false }
            outcome = result
            return true
        }
        if first { self.waiters.resume(satisfying: result) }
    }

    /// The port, once the server listens.
    ///
    /// - Throws: why the server will never listen, or `CancellationError`.
    package func wait() async throws -> Int {
        let outcome = try await self.waiters.wait(until: { $0 != nil }, current: { self.outcome.withLock { $0 } })
        // The condition admits only a decided outcome.
        guard let outcome else { throw CancellationError() }
        return try outcome.get()
    }
}
