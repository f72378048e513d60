import Synchronization

/// The pulls a relay runs, one per source, and how they are stopped without losing an
/// acknowledgement.
///
/// Leaving a push session's loop closes its connection, and an acknowledgement can only travel
/// on the connection that delivered the block. So a pull told to stop keeps its loop (and its
/// connection) until the batches it put are committed and acknowledged, and only then ends.
final class RelayPumps: Sendable {
    /// Which pull: a source given at creation (by position) or one attached later (by id).
    enum Key: Hashable, Sendable {
        case listed(Int)
        case attached(UInt32)
    }

    private struct Pump {
        var name: String
        var stop: (@Sendable () -> Void)?
        var health: (@Sendable () -> MonitorRelay.SourceHealth)?
        /// The inbox place of the last batch this pull put (0 before the first).
        var lastSequence = 0
        var stopping = false
    }

    private struct State {
        var pumps: [Key: Pump] = [:]
        /// Pulls that ended with an error, by key: the source's name and the error, until a
        /// source is added under that key again.
        var failures: [Key: (name: String, error: String)] = [:]
        var stoppingAll = false
    }

    private let state = Mutex(State())

    /// Registers a pull of `source` under `id`; `false` when one with that id runs already.
    func add(_ id: Key, source: MonitorRelay.Source) -> Bool {
        self.state.withLock { state in
            guard state.pumps[id] == nil else { return false }
            state.pumps[id] = Pump(name: source.name, stop: source.stop, health: source.health, stopping: state.stoppingAll)
            state.failures[id] = nil
            return true
        }
    }

    /// The sources being pulled that are not within their policy, and those that ended with an
    /// error: name → why.
    var unhealthy: [String: String] {
        let (checks, failures) = self.state.withLock { state in
            (
                state.pumps.values.compactMap { pump in pump.health.map { (pump.name, $0) } },
                state.failures.values.map { ($0.name, $0.error) }
            )
        }
        var unhealthy: [String: String] = [:]
        for (name, error) in failures { unhealthy[name] = "ended: \(error)" }
        for (name, check) in checks {
            if case .unhealthy(let why) = check() { unhealthy[name] = why }
        }
        return unhealthy
    }

    /// The ids of the attached pulls running now (not being stopped).
    var attachedIDs: Set<UInt32> {
        self.state.withLock { state in
            Set(state.pumps.compactMap { key, pump in
                guard !pump.stopping, case .attached(let id) = key else { return nil }
                return id
            })
        }
    }

    /// Records a batch put by pull `id`; returns whether the pull should stop after it.
    func put(_ id: Key, sequence: Int) -> Bool {
        self.state.withLock { state in
            state.pumps[id]?.lastSequence = sequence
            return state.pumps[id]?.stopping ?? true
        }
    }

    /// Whether pull `id` was told to stop.
    func isStopping(_ id: Key) -> Bool {
        self.state.withLock { $0.pumps[id]?.stopping ?? true }
    }

    /// Records that pull `id` ended (with `failure`, if it failed), and forgets it (so the id
    /// can be attached again).
    func ended(_ id: Key, failure: String? = nil) {
        self.state.withLock { state in
            guard let pump = state.pumps.removeValue(forKey: id) else { return }
            if let failure { state.failures[id] = (pump.name, failure) }
        }
    }

    /// Tells pull `id` to stop; returns the inbox place of its last batch so far, or `nil` when
    /// no such pull runs.
    func beginStopping(_ id: Key) -> Int? {
        self.state.withLock { state in
            guard state.pumps[id] != nil else { return nil }
            state.pumps[id]?.stopping = true
            return state.pumps[id]?.lastSequence
        }
    }

    /// Tells every pull, and every pull added later, to stop; returns the highest inbox place so far.
    func beginStoppingAll() -> Int {
        self.state.withLock { state in
            state.stoppingAll = true
            for id in state.pumps.keys { state.pumps[id]?.stopping = true }
            return state.pumps.values.map(\.lastSequence).max() ?? 0
        }
    }

    /// Ends pull `id`'s stream from outside (closing its connection), without waiting for the
    /// pull to end: it may still be putting a batch that arrived meanwhile.
    func stop(_ id: Key) {
        let stop = self.state.withLock { $0.pumps[id]?.stop }
        stop?()
    }

    /// Ends every stream from outside at once, without waiting (fencing).
    func closeAll() {
        let stops = self.state.withLock { state in
            for id in state.pumps.keys { state.pumps[id]?.stopping = true }
            return state.pumps.values.compactMap(\.stop)
        }
        for stop in stops { stop() }
    }
}
