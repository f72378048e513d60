import Synchronization

/// Thrown by ``withTimeout(_:_:)`` when the body did not finish in time.
public struct TestTimeout: Error, CustomStringConvertible {
    /// The limit that passed.
    public let limit: Duration
    public var description: String { "timed out after \(self.limit)" }
}

/// Runs `body`, failing with ``TestTimeout`` if it takes longer than `limit`.
///
/// The limit is a guard against hangs, not a way to wait: the body awaits the event it needs.
/// Under a sanitizer it is stretched by ``SanitizerOverhead/timeFactor``.
/// The timeout is real: when it passes, the body is cancelled and this returns at once, even if
/// the body ignores cancellation (a task group would wait for it, and a hang would hang the suite).
@discardableResult
public func withTimeout<Result: Sendable>(
    _ limit: Duration = .seconds(20),
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let limit = limit.allowingForSanitizers
    let race = TimeoutRace<Result>()
    let work = Task { try await body() }
    let timer = Task {
        try await Task.sleep(for: limit)
        work.cancel()
        race.finish(with: .failure(TestTimeout(limit: limit)))
    }
    let watcher = Task {
        let result = await work.result
        timer.cancel()
        race.finish(with: result)
    }
    _ = watcher
    return try await withTaskCancellationHandler {
        try await race.value()
    } onCancel: {
        work.cancel()
        timer.cancel()
    }
}

/// The first of the body's result and the timer's expiry; later ones are dropped.
private final class TimeoutRace<Result: Sendable>: Sendable {
    private struct State {
        var outcome: Swift.Result<Result, any Error>?
        var waiter: CheckedContinuation<Result, any Error>?
    }

    private let state = Mutex(State())

    func finish(with outcome: Swift.Result<Result, any Error>) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Result, any Error>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: outcome)
    }

    func value() async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let outcome = self.state.withLock { state -> Swift.Result<Result, any Error>? in
                if state.outcome == nil { state.waiter = continuation }
                return state.outcome
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }
}
