import Synchronization

/// A value built on first use. Every benchmark is registered in every benchmark process, so
/// workloads are built lazily: only the benchmark that runs pays for (and holds) its own.
final class Lazy<Value: Sendable>: Sendable {
    private let make: @Sendable () -> Value
    private let value = Mutex<Value?>(nil)

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    var wrapped: Value {
        self.value.withLock { value in
            if let value { return value }
            let made = self.make()
            value = made
            return made
        }
    }
}
