import Synchronization

/// Tasks waiting for a value to satisfy a condition: the one registry behind every "wait until"
/// of the package's servers (a server's port, the push server's snapshot, a monitor's record).
///
/// The owner of the value calls ``resume(satisfying:)`` after each change. A waiter's condition
/// is first checked against the current value and the waiter registered in one step under the
/// registry's lock, so a change made meanwhile is never missed.
package final class Waiters<Value: Sendable>: Sendable {
    private struct Waiter {
        let condition: @Sendable (Value) -> Bool
        let continuation: CheckedContinuation<Value, any Error>
    }

    private struct State {
        var waiters: [Int: Waiter] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// Creates an empty registry.
    package init() {}

    /// Returns the first value that satisfies `condition`: `current` when it already does,
    /// otherwise one passed to ``resume(satisfying:)`` later.
    ///
    /// `current` is read on the caller's executor (an actor's state may be read in it) while the
    /// registry's lock is held; it must not call back into this registry.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    nonisolated(nonsending) package func wait(
        until condition: @escaping @Sendable (Value) -> Bool,
        current: () -> Value
    ) async throws -> Value {
        let id = self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<Value, any Error>? = self.state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    let value = current()
                    if condition(value) { return .success(value) }
                    state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let cancelled = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Resumes, with `value`, every waiter whose condition it satisfies.
    package func resume(satisfying value: Value) {
        let ready = self.state.withLock { state -> [CheckedContinuation<Value, any Error>] in
            guard !state.waiters.isEmpty else { return [] }
            var ready: [CheckedContinuation<Value, any Error>] = []
            for (id, waiter) in state.waiters where waiter.condition(value) {
                ready.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return ready
        }
        for continuation in ready {
            continuation.resume(returning: value)
        }
    }

    /// Fails every waiter with `error` (e.g. when what they wait on will never happen).
    package func failAll(_ error: any Error) {
        let all = self.state.withLock { state in
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in all {
            waiter.continuation.resume(throwing: error)
        }
    }
}
