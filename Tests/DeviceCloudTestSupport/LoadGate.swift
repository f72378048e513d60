public import Testing

/// Keeps the suite's CPU-heavy tests (hundreds of thousands of events, database relays, child
/// processes) from running at the same moment as the tests that measure wall-clock promises
/// ("closes within 100 ms", "exits within a second"), and the tests that measure the process's
/// resident memory from running beside either.
///
/// On two cores a heavy test can delay any task by seconds; the promise under test would then
/// fail for the machine's sake, not the code's. Timing tests run together, heavy tests run
/// together, never the two at once; a waiting timing test goes first. Some tests run alone among
/// the gated tests: those that measure resident memory (it is process-wide: a heavy test
/// allocating beside it would be counted as its growth), and those that are heavy *and* bound
/// by wall-clock time (hundreds of hostile connections answered within a limit: beside a heavy
/// test whose synchronous work holds both threads of the cooperative pool for a second or two at
/// a time, each of their many round trips waits for it). The ungated tests are small. Nothing is
/// skipped and no bound is loosened.
public struct LoadGateTrait: TestTrait, SuiteTrait, TestScoping {
    enum Kind: Sendable { case timing, heavy, alone }

    let kind: Kind

    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        // A suite's own scope passes through; each test case is gated.
        guard testCase != nil else { return try await function() }
        await LoadGate.shared.enter(self.kind)
        do {
            try await function()
        } catch {
            await LoadGate.shared.leave(self.kind)
            throw error
        }
        await LoadGate.shared.leave(self.kind)
    }
}

extension Trait where Self == LoadGateTrait {
    /// The test measures wall-clock time: it never runs beside a ``cpuHeavy`` test.
    public static var timingSensitive: Self { LoadGateTrait(kind: .timing) }
    /// The test loads the CPU for seconds: it never runs beside a ``timingSensitive`` test.
    public static var cpuHeavy: Self { LoadGateTrait(kind: .heavy) }
    /// The test measures the process's resident memory: no other gated test runs beside it.
    public static var memoryMeasuring: Self { LoadGateTrait(kind: .alone) }
    /// The test loads the CPU and measures wall-clock time at once (e.g. hundreds of slow
    /// clients, and a real delivery answered within a limit): no other gated test runs beside it.
    public static var runsAlone: Self { LoadGateTrait(kind: .alone) }
}

/// Three classes of tests: timing and heavy exclude each other (timing first); a test that runs
/// alone excludes every other gated test.
actor LoadGate {
    static let shared = LoadGate()

    private var active: [LoadGateTrait.Kind: Int] = [:]
    private var waiting: [LoadGateTrait.Kind: [CheckedContinuation<Void, Never>]] = [:]

    func enter(_ kind: LoadGateTrait.Kind) async {
        await withCheckedContinuation { continuation in
            self.waiting[kind, default: []].append(continuation)
            self.admit()
        }
    }

    func leave(_ kind: LoadGateTrait.Kind) {
        self.active[kind, default: 0] -= 1
        self.admit()
    }

    /// Lets in whoever may run now: timing tests first, then one test that runs alone, then heavy tests.
    private func admit() {
        let timing = self.active[.timing, default: 0]
        let heavy = self.active[.heavy, default: 0]
        let alone = self.active[.alone, default: 0]
        if alone > 0 { return }
        if heavy == 0, !self.waiting[.timing, default: []].isEmpty {
            self.letIn(.timing, all: true)
            return
        }
        if timing == 0, heavy == 0, !self.waiting[.alone, default: []].isEmpty {
            self.letIn(.alone, all: false)
            return
        }
        if timing == 0, self.waiting[.timing, default: []].isEmpty, self.waiting[.alone, default: []].isEmpty {
            self.letIn(.heavy, all: true)
        }
    }

    private func letIn(_ kind: LoadGateTrait.Kind, all: Bool) {
        var queue = self.waiting[kind, default: []]
        guard !queue.isEmpty else { return }
        let admitted = all ? queue : [queue.removeFirst()]
        self.waiting[kind] = all ? [] : queue
        self.active[kind, default: 0] += admitted.count
        for waiter in admitted { waiter.resume() }
    }
}
