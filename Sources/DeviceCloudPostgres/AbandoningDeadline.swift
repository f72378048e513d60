import Synchronization

/// Runs work against a deadline without ever waiting for the work once the deadline has passed.
///
/// A structured task group waits for every child before it returns, so a timeout built on one
/// hangs exactly when it is needed: when a database statement never completes (a query that
/// PostgresNIO never fails after its connection went away). Here the work runs in a task of its
/// own; past the deadline the caller gets `nil` at once and the work is cancelled and left to
/// end whenever it does (the caller closes its connection, which is what makes it end).
enum AbandoningDeadline {
    /// `work`'s result, or `nil` when `timeout` passes first.
    ///
    /// - Throws: what `work` throws, or `CancellationError` when the caller is cancelled.
    static func run<Result: Sendable>(
        within timeout: Duration,
        _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result? {
        try await self.run(until: { try await Task.sleep(for: timeout) }, work)
    }

    /// `work`'s result, or `nil` when `deadline` returns first (a deadline that can move, e.g.
    /// one more allowance once a connection is obtained).
    static func run<Result: Sendable>(
        until deadline: @escaping @Sendable () async throws -> Void,
        _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result? {
        let race = Race<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation, deadline: deadline, work: work)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}

/// The first of the work, the timer and cancellation to finish wins; the others are cancelled.
private final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value?, any Error>?
        var finished: Result<Value?, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<Value?, any Error>,
        deadline: @escaping @Sendable () async throws -> Void,
        work: @escaping @Sendable () async throws -> Value
    ) {
        let early = self.state.withLock { state -> Result<Value?, any Error>? in
            if let finished = state.finished { return finished }
            state.continuation = continuation
            return nil
        }
        if let early {
            continuation.resume(with: early)
            return
        }
        let workTask = Task {
            do {
                self.finish(.success(try await work()))
            } catch {
                self.finish(.failure(error))
            }
        }
        let timerTask = Task {
            guard (try? await deadline()) != nil else { return }
            self.finish(.success(nil))
        }
        let finishedAlready = self.state.withLock { state -> Bool in
            state.work = workTask
            state.timer = timerTask
            return state.finished != nil
        }
        if finishedAlready {
            workTask.cancel()
            timerTask.cancel()
        }
    }

    /// Resumes the caller once, with the first outcome, and cancels what is still running.
    func finish(_ outcome: Result<Value?, any Error>) {
        let (continuation, work, timer) = self.state.withLock { state in
            guard state.finished == nil else { return (nil as CheckedContinuation<Value?, any Error>?, nil as Task<Void, Never>?, nil as Task<Void, Never>?) }
            state.finished = outcome
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        continuation?.resume(with: outcome)
        timer?.cancel()
        if case .success(nil) = outcome { work?.cancel() }
        if case .failure = outcome { work?.cancel() }
    }
}
