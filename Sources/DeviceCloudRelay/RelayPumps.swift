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
        var stop: (@Sendable () -> Void)?
        /// The inbox place of the last batch this pull put (0 before the first).
        var lastSequence = 0
        var stopping = false
    }

    private struct State {
        var pumps: [Key: Pump] = [:]
        var stoppingAll = false
    }

    private let state = Mutex(State())

    /// Registers a pull under `id`; `false` when one with that id runs already.
    func add(_ id: Key, stop: (@Sendable () -> Void)?) -> Bool {
        self.state.withLock { state in
            guard state.pumps[id] == nil else { return false }
            state.pumps[id] = Pump(stop: stop, stopping: state.stoppingAll)
            return true
        }
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

    /// Records that pull `id` ended, and forgets it (so the id can be attached again).
    func ended(_ id: Key) {
        self.state.withLock { _ = $0.pumps.removeValue(forKey: id) }
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
