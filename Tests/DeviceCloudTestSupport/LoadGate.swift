public import Testing

/// Keeps the suite's CPU-heavy tests (hundreds of thousands of events, database relays, child
/// processes) from running at the same moment as the tests that measure wall-clock promises
/// ("closes within 100 ms", "exits within a second").
///
/// On two cores a heavy test can delay any task by seconds; the promise under test would then
/// fail for the machine's sake, not the code's. Timing tests run together, heavy tests run
/// together, never the two at once; a waiting timing test goes first. Nothing is skipped and no
/// bound is loosened.
public struct LoadGateTrait: TestTrait, SuiteTrait, TestScoping {
    enum Kind: Sendable { case timing, heavy }

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
}

/// Two classes of tests that exclude each other; timing tests have priority.
actor LoadGate {
    static let shared = LoadGate()

    private var activeTiming = 0
    private var activeHeavy = 0
    private var waitingTiming: [CheckedContinuation<Void, Never>] = []
    private var waitingHeavy: [CheckedContinuation<Void, Never>] = []

    func enter(_ kind: LoadGateTrait.Kind) async {
        switch kind {
        case .timing:
            if self.activeHeavy == 0 {
                self.activeTiming += 1
                return
            }
            await withCheckedContinuation { self.waitingTiming.append($0) }
        case .heavy:
            if self.activeTiming == 0, self.waitingTiming.isEmpty {
                self.activeHeavy += 1
                return
            }
            await withCheckedContinuation { self.waitingHeavy.append($0) }
        }
    }

    func leave(_ kind: LoadGateTrait.Kind) {
        switch kind {
        case .timing:
            self.activeTiming -= 1
            if self.activeTiming == 0, self.waitingTiming.isEmpty { self.admitHeavy() }
        case .heavy:
            self.activeHeavy -= 1
            if self.activeHeavy == 0 {
                if self.waitingTiming.isEmpty { self.admitHeavy() } else { self.admitTiming() }
            }
        }
    }

    private func admitTiming() {
        let admitted = self.waitingTiming
        self.waitingTiming = []
        self.activeTiming += admitted.count
        for waiter in admitted { waiter.resume() }
    }

    private func admitHeavy() {
        let admitted = self.waitingHeavy
        self.waitingHeavy = []
        self.activeHeavy += admitted.count
        for waiter in admitted { waiter.resume() }
    }
}
