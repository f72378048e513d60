import Synchronization

/// A count of things in use (connections, bodies being read) that never exceeds a maximum:
/// ``acquire()`` takes one if the count is below it, ``release()`` gives one back.
final class CappedCounter: Sendable {
    /// The most that may be in use at once.
    let maximum: Int
    private let inUse = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// How many are in use now.
    var current: Int { self.inUse.load(ordering: .relaxed) }

    /// Takes one; `false` (and nothing taken) when the maximum is in use.
    func acquire() -> Bool {
        var current = self.inUse.load(ordering: .relaxed)
        while current < self.maximum {
            let (exchanged, original) = self.inUse.compareExchange(
                expected: current,
                desired: current + 1,
                ordering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives back one taken with ``acquire()``.
    func release() {
        self.inUse.subtract(1, ordering: .relaxed)
    }
}
