import DeviceCloudServerSupport
import Synchronization

/// The push server's record of what happened, with a way to await a condition on it.
///
/// Updated synchronously from event loops and tasks; waiters are resumed as soon as their
/// condition holds, so tests never need to poll or sleep.
final class PushServerObserver: Sendable {
    private let current = Mutex(PushServerSnapshot())
    private let waiters = Waiters<PushServerSnapshot>()

    var snapshot: PushServerSnapshot { self.current.withLock { $0 } }

    func update(_ change: (inout PushServerSnapshot) -> Void) {
        let snapshot = self.current.withLock { snapshot in
            change(&snapshot)
            return snapshot
        }
        self.waiters.resume(satisfying: snapshot)
    }

    func wait(until condition: @escaping @Sendable (PushServerSnapshot) -> Bool) async throws -> PushServerSnapshot {
        try await self.waiters.wait(until: condition, current: { self.snapshot })
    }
}
