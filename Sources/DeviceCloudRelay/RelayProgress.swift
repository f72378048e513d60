import Synchronization

/// A relay's statistics, updated by the relay and awaited by tests and status lines.
final class RelayProgress: Sendable {
    private struct Waiter {
        var id: Int
        var condition: @Sendable (MonitorRelay.Statistics) -> Bool
        var continuation: CheckedContinuation<MonitorRelay.Statistics, any Error>
    }

    private struct State {
        var statistics = MonitorRelay.Statistics()
        var waiters: [Waiter] = []
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    var statistics: MonitorRelay.Statistics { self.state.withLock { $0.statistics } }

    /// Changes the statistics and wakes the waiters whose condition now holds.
    func update(_ change: (inout MonitorRelay.Statistics) -> Void) {
        let ready: [(CheckedContinuation<MonitorRelay.Statistics, any Error>, MonitorRelay.Statistics)] =
            self.state.withLock { state in
                change(&state.statistics)
                let statistics = state.statistics
                var ready: [(CheckedContinuation<MonitorRelay.Statistics, any Error>, MonitorRelay.Statistics)] = []
                state.waiters.removeAll { waiter in
                    guard waiter.condition(statistics) else { return false }
                    ready.append((waiter.continuation, statistics))
                    return true
                }
                return ready
            }
        for (continuation, statistics) in ready { continuation.resume(returning: statistics) }
    }

    /// Waits until `condition` holds for the statistics.
    func wait(until condition: @escaping @Sendable (MonitorRelay.Statistics) -> Bool) async throws -> MonitorRelay.Statistics {
        let id = self.state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: MonitorRelay.Statistics? = self.state.withLock { state in
                    if condition(state.statistics) { return state.statistics }
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return nil
                    }
                    state.waiters.append(Waiter(id: id, condition: condition, continuation: continuation))
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
