@testable import DeviceCloudPostgres
import DeviceCloudTestSupport
import Testing

/// The deadline the PostgreSQL lease and sink put around statements: it must return at its time
/// even when the work never ends and ignores cancellation (a query PostgresNIO never fails).
@Suite("A deadline that never waits for abandoned work")
struct AbandoningDeadlineTests {
    @Test("work that never ends and ignores cancellation: nil at the deadline, not later")
    func abandonsStuckWork() async throws {
        let start = ContinuousClock.now
        let result = try await withTimeout(.seconds(30)) {
            try await AbandoningDeadline.run(within: .milliseconds(100)) { () async throws -> Int in
                while true { try? await Task.sleep(for: .seconds(3600)) }
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
        let caller = Task {
            try await AbandoningDeadline.run(within: .seconds(3600)) { () async throws -> Int in
                while true { try? await Task.sleep(for: .seconds(3600)) }
            }
        }
        caller.cancel()
        let outcome = try await withTimeout(.seconds(30)) { await caller.result }
        #expect(throws: CancellationError.self) { try outcome.get() }
    }
}
