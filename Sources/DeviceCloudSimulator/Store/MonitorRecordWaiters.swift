import DeviceCloudProtocol
import Synchronization

/// Tasks waiting for a monitor's record to satisfy a condition (see
/// ``MonitorStore/wait(forMonitor:until:)``).
///
/// The store checks the condition and registers a waiter in one actor-isolated step, and calls
/// ``changed(_:record:)`` after every change, so no change is missed; the lock only serves
/// cancellation, which arrives from outside the actor.
final class MonitorRecordWaiters: Sendable {
    private struct Waiter {
        let monitorID: UInt32
        let condition: @Sendable (MonitorRecord?) -> Bool
        let continuation: CheckedContinuation<MonitorRecord?, any Error>
    }

    private struct State {
        var waiters: [Int: Waiter] = [:]
        var nextToken = 0
    }

    private let state = Mutex(State())

    /// A token for ``add(_:monitorID:condition:continuation:)`` and ``cancel(_:)``.
    func makeToken() -> Int {
        self.state.withLock { state in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
    }

    /// Registers a waiter, or fails it at once when its task is already cancelled.
    func add(
        _ token: Int,
        monitorID: UInt32,
        condition: @escaping @Sendable (MonitorRecord?) -> Bool,
        continuation: CheckedContinuation<MonitorRecord?, any Error>
    ) {
        let cancelled = self.state.withLock { state in
            // Checked under the lock that `cancel` takes: a cancellation either sees the waiter
            // or has already set the flag read here.
            if Task.isCancelled { return true }
            state.waiters[token] = Waiter(monitorID: monitorID, condition: condition, continuation: continuation)
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
    }

    /// Fails the waiter with `CancellationError`, if it is still waiting.
    func cancel(_ token: Int) {
        let waiter = self.state.withLock { $0.waiters.removeValue(forKey: token) }
        waiter?.continuation.resume(throwing: CancellationError())
    }

    /// Resumes the waiters on `monitorID` whose condition `record` now satisfies.
    func changed(_ monitorID: UInt32, record: MonitorRecord?) {
        let ready = self.state.withLock { state -> [Waiter] in
            guard !state.waiters.isEmpty else { return [] }
            var ready: [Waiter] = []
            for (token, waiter) in state.waiters where waiter.monitorID == monitorID && waiter.condition(record) {
                ready.append(waiter)
                state.waiters[token] = nil
            }
            return ready
        }
        for waiter in ready {
            waiter.continuation.resume(returning: record)
        }
    }
}
