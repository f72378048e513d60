import Synchronization

/// Tells waiters the bound port once a server listens, or why it never will.
///
/// Shared by the package's servers (simulator, HTTP receiver); not part of the public API.
package final class ListeningSignal: Sendable {
    private struct State {
        var result: Result<Int, any Error>?
        var waiters: [Int: CheckedContinuation<Int, any Error>] = [:]
        var nextWaiterID = 0
    }

    private let state = Mutex(State())

    /// The port, once listening (and still after the server stopped).
    package var port: Int? {
        self.state.withLock { state in
            guard case .success(let port) = state.result else { return nil }
            return port
        }
    }

    package init() {}

    package func succeed(port: Int) {
        self.finish(.success(port))
    }

    /// Fails the waiters; does nothing once the port is known.
    package func fail(_ error: any Error) {
        self.finish(.failure(error))
    }

    private func finish(_ result: Result<Int, any Error>) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.resume(with: result)
        }
    }

    package func wait() async throws -> Int {
        let id = self.state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<Int, any Error>? = self.state.withLock { state in
                    if let result = state.result { return result }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
