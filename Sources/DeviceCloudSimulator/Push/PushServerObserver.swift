import Synchronization

/// The push server's record of what happened, with a way to await a condition on it.
///
/// Updated synchronously from event loops and tasks; waiters are resumed as soon as their
/// condition holds, so tests never need to poll or sleep.
final class PushServerObserver: Sendable {
    private struct Waiter {
        let id: Int
        let condition: @Sendable (PushServerSnapshot) -> Bool
        let continuation: CheckedContinuation<PushServerSnapshot, any Error>
    }

    private struct State {
        var snapshot = PushServerSnapshot()
        var waiters: [Waiter] = []
        var nextWaiterID = 0
    }

    private let state = Mutex(State())

    var snapshot: PushServerSnapshot { self.state.withLock { $0.snapshot } }

    func update(_ change: (inout PushServerSnapshot) -> Void) {
        let ready: [(CheckedContinuation<PushServerSnapshot, any Error>, PushServerSnapshot)] = self.state.withLock { state in
            change(&state.snapshot)
            var ready: [(CheckedContinuation<PushServerSnapshot, any Error>, PushServerSnapshot)] = []
            state.waiters.removeAll { waiter in
                guard waiter.condition(state.snapshot) else { return false }
                ready.append((waiter.continuation, state.snapshot))
                return true
            }
            return ready
        }
        for (continuation, snapshot) in ready {
            continuation.resume(returning: snapshot)
        }
    }

    func wait(until condition: @escaping @Sendable (PushServerSnapshot) -> Bool) async throws -> PushServerSnapshot {
        let id = self.state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<PushServerSnapshot, any Error>? = self.state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if condition(state.snapshot) { return .success(state.snapshot) }
                    state.waiters.append(Waiter(id: id, condition: condition, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let cancelled = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }
}
