import Synchronization

/// The sources attached to a running relay with ``MonitorRelay/attach(_:id:)``, by id, and what
/// ``MonitorRelay/detach(_:)`` waits for.
final class RelayAttachments: Sendable {
    private struct Attachment {
        var stop: (@Sendable () -> Void)?
        /// Set when the source's pull has ended: the place of its last batch in the inbox order.
        var lastSequence: Int?
        var waiters: [CheckedContinuation<Int, Never>] = []
        /// ``stopAndWait(_:)`` was called.
        var stopping = false
    }

    private let state = Mutex([UInt32: Attachment]())

    /// Registers a source; `false` when one with that id is attached already.
    func add(_ id: UInt32, stop: (@Sendable () -> Void)?) -> Bool {
        self.state.withLock { state in
            guard state[id] == nil else { return false }
            state[id] = Attachment(stop: stop)
            return true
        }
    }

    /// The ids attached now.
    var ids: Set<UInt32> { self.state.withLock { Set($0.keys) } }

    /// Records that the pull of `id` ended after putting its batches up to `lastSequence`. A
    /// source that ended by itself (not stopped) is forgotten at once, so it can be attached again.
    func pullEnded(_ id: UInt32, lastSequence: Int) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Int, Never>] in
            guard state[id]?.stopping == true else {
                state[id] = nil
                return []
            }
            state[id]?.lastSequence = lastSequence
            defer { state[id]?.waiters = [] }
            return state[id]?.waiters ?? []
        }
        for waiter in waiters { waiter.resume(returning: lastSequence) }
    }

    /// Stops the source's stream and waits until its pull has ended; returns the place of its
    /// last batch, and forgets the source. `nil` when `id` is not attached.
    func stopAndWait(_ id: UInt32) async -> Int? {
        guard let stop = self.state.withLock({ state -> (@Sendable () -> Void)?? in
            guard let attachment = state[id] else { return nil }
            state[id]?.stopping = true
            return .some(attachment.stop)
        }) else { return nil }
        stop?()
        let last = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let ended = self.state.withLock { state -> Int? in
                if let last = state[id]?.lastSequence { return last }
                state[id]?.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
        self.state.withLock { _ = $0.removeValue(forKey: id) }
        return last
    }

    /// Stops every attached source's stream at once, without waiting.
    func stopAll() {
        let stops = self.state.withLock { $0.values.compactMap(\.stop) }
        for stop in stops { stop() }
    }
}
