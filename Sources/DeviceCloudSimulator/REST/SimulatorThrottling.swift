import Synchronization

/// The simulator's opt-in throttling: answers `/ws/…` requests with 429 so clients' retries
/// can be tested.
public final class SimulatorThrottling: Sendable {
    /// Which requests are throttled.
    public enum Mode: Sendable, Hashable {
        /// None (the default).
        case off
        /// The next `count` requests, then none.
        case nextRequests(Int)
        /// Every request.
        case always
    }

    private struct State {
        var mode: Mode
        var throttledResponses = 0
    }

    private let state: Mutex<State>

    /// Creates the control in `mode`.
    public init(_ mode: Mode = .off) {
        self.state = Mutex(State(mode: mode))
    }

    /// The current mode; ``Mode/nextRequests(_:)`` counts down as requests are throttled.
    public var mode: Mode { self.state.withLock { $0.mode } }

    /// How many 429 answers were sent so far.
    public var throttledResponses: Int { self.state.withLock { $0.throttledResponses } }

    /// Changes the mode.
    public func set(_ mode: Mode) {
        self.state.withLock { $0.mode = mode }
    }

    /// Whether to throttle the request at hand (and counts it if so).
    func admitsThrottling() -> Bool {
        self.state.withLock { state in
            switch state.mode {
            case .off:
                return false
            case .always:
                state.throttledResponses += 1
                return true
            case .nextRequests(let count):
                guard count > 0 else {
                    state.mode = .off
                    return false
                }
                state.mode = count == 1 ? .off : .nextRequests(count - 1)
                state.throttledResponses += 1
                return true
            }
        }
    }
}
