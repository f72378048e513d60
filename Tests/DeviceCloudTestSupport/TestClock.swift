import Synchronization

/// A clock that moves only when a test says so: every timer of a push session (handshake, idle,
/// backoff, stable period) can be driven without real waiting.
///
/// ``waitForSleepers(_:)`` lets the test await the moment the code under test has started a
/// sleep, so the test knows which state it is in without polling or sleeping.
public final class TestClock: Clock, Sendable {
    /// A point on the test clock's timeline.
    public struct Instant: InstantProtocol {
        /// Time since the clock was made.
        public var offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: self.offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - self.offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let id: Int
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher {
        let id: Int
        let condition: @Sendable ([Duration]) -> Bool
        let continuation: CheckedContinuation<[Duration], Never>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var watchers: [Watcher] = []
        var nextID = 0
        /// The duration of every sleep started, in order.
        var started: [Duration] = []
    }

    private let state = Mutex(State())

    /// Creates a clock at offset zero.
    public init() {}

    public var now: Instant { self.state.withLock { $0.now } }
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// The durations of all sleeps started so far, in order.
    public var sleepsStarted: [Duration] { self.state.withLock { $0.started } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (immediate, watchers) = self.state.withLock { state -> (Result<Void, any Error>?, [(CheckedContinuation<[Duration], Never>, [Duration])]) in
                    if Task.isCancelled { return (.failure(CancellationError()), []) }
                    if deadline <= state.now { return (.success(()), []) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    state.started.append(state.now.duration(to: deadline))
                    return (nil, Self.readyWatchers(&state))
                }
                if let immediate { continuation.resume(with: immediate) }
                for (watcher, pending) in watchers { watcher.resume(returning: pending) }
            }
        } onCancel: {
            let cancelled = self.state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward, waking every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        let due = self.state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits until at least `count` sleeps are pending, and returns their remaining durations.
    @discardableResult
    public func waitForSleepers(_ count: Int = 1) async -> [Duration] {
        await self.waitUntilPending { $0.count >= count }
    }

    /// Waits until a sleep of exactly `duration` is pending (a timer the code under test armed).
    public func waitForSleep(of duration: Duration) async {
        await self.waitUntilPending { $0.contains(duration) }
    }

    /// Waits until the remaining durations of the pending sleeps satisfy `condition`.
    ///
    /// Cancelling the waiting task returns the pending durations at once (so a test's timeout works).
    @discardableResult
    public func waitUntilPending(_ condition: @escaping @Sendable ([Duration]) -> Bool) async -> [Duration] {
        let id = self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let pending = self.state.withLock { state -> [Duration]? in
                    let pending = state.sleepers.map { state.now.duration(to: $0.deadline) }
                    guard condition(pending), !Task.isCancelled else {
                        if Task.isCancelled { return pending }
                        state.watchers.append(Watcher(id: id, condition: condition, continuation: continuation))
                        return nil
                    }
                    return pending
                }
                if let pending { continuation.resume(returning: pending) }
            }
        } onCancel: {
            let (watcher, pending) = self.state.withLock { state -> (Watcher?, [Duration]) in
                let pending = state.sleepers.map { state.now.duration(to: $0.deadline) }
                guard let index = state.watchers.firstIndex(where: { $0.id == id }) else { return (nil, pending) }
                return (state.watchers.remove(at: index), pending)
            }
            watcher?.continuation.resume(returning: pending)
        }
    }

    private static func readyWatchers(_ state: inout State) -> [(CheckedContinuation<[Duration], Never>, [Duration])] {
        let pending = state.sleepers.map { state.now.duration(to: $0.deadline) }
        var ready: [(CheckedContinuation<[Duration], Never>, [Duration])] = []
        state.watchers.removeAll { watcher in
            guard watcher.condition(pending) else { return false }
            ready.append((watcher.continuation, pending))
            return true
        }
        return ready
    }
}
