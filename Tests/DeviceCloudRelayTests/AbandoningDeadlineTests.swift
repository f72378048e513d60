@testable import DeviceCloudPostgres
import DeviceCloudTestSupport
import Synchronization
import Testing

/// The deadline the PostgreSQL lease and sink put around statements: it must return at its time
/// even when the work never ends and ignores cancellation (a query PostgresNIO never fails).
@Suite("A deadline that never waits for abandoned work")
struct AbandoningDeadlineTests {
    @Test("work that never ends and ignores cancellation: nil at the deadline, not later")
    func abandonsStuckWork() async throws {
        let stuck = StuckWork()
        defer { stuck.release() }
        let start = ContinuousClock.now
        let result = try await withTimeout(.seconds(30)) {
            try await AbandoningDeadline.run(within: .milliseconds(100)) { () async throws -> Int in
                await stuck.run()
                return 0
            }
        }
        #expect(result == nil)
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test("work that ends first gives its result, or its error")
    func resultOrError() async throws {
        let value = try await AbandoningDeadline.run(within: .seconds(60)) { 42 }
        #expect(value == 42)
        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            _ = try await AbandoningDeadline.run(within: .seconds(60)) { () async throws -> Int in throw Failure() }
        }
    }

    @Test("a cancelled caller gets CancellationError at once, whatever the work does")
    func cancelledCaller() async throws {
        let stuck = StuckWork()
        defer { stuck.release() }
        let caller = Task {
            try await AbandoningDeadline.run(within: .seconds(3600)) { () async throws -> Int in
                await stuck.run()
                return 0
            }
        }
        caller.cancel()
        let outcome = try await withTimeout(.seconds(30)) { await caller.result }
        #expect(throws: CancellationError.self) { try outcome.get() }
    }
}

/// Work that ignores cancellation and ends only when the test releases it, as a query PostgresNIO
/// never answers. It waits suspended: a loop of cancelled sleeps would spin on a thread of the
/// cooperative pool for the rest of the suite and slow every other test.
private final class StuckWork: Sendable {
    private struct State {
        var released = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Returns once ``release()`` was called, whatever cancellation says.
    func run() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let releasedAlready = self.state.withLock { state in
                if !state.released { state.waiter = waiter }
                return state.released
            }
            if releasedAlready { waiter.resume() }
        }
    }

    /// Ends the work (at the end of the test, long after the deadline gave up on it).
    func release() {
        let waiter = self.state.withLock { state in
            state.released = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
