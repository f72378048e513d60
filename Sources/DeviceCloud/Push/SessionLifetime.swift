import NIOCore
import Synchronization

/// The part of a session that must be reachable synchronously from any thread: the live channel
/// and whether the session is over. Ending it closes the channel at once, so a dropped stream
/// frees its socket without waiting for any task.
final class SessionLifetime: Sendable {
    private struct State {
        var channel: (any Channel)?
        var isTerminated = false
        var hasStream = false
    }

    private let state = Mutex(State())

    var isTerminated: Bool { self.state.withLock { $0.isTerminated } }

    /// Claims the session for a stream; `false` when it already has one.
    func claimStream() -> Bool {
        self.state.withLock { state in
            defer { state.hasStream = true }
            return !state.hasStream
        }
    }

    /// Records the live channel; `false` (and the caller must close it) when the session is over.
    func register(_ channel: any Channel) -> Bool {
        self.state.withLock { state in
            guard !state.isTerminated else { return false }
            state.channel = channel
            return true
        }
    }

    /// Ends the session and closes its channel.
    func terminate() {
        let channel = self.state.withLock { state in
            state.isTerminated = true
            defer { state.channel = nil }
            return state.channel
        }
        channel?.close(promise: nil)
    }
}

/// Owned by an event stream's producer closure: when the stream and its iterator are gone
/// (the consumer broke out of its loop, or dropped the stream), this ends the session.
final class StreamOwnership: Sendable {
    let lifetime: SessionLifetime

    init(_ lifetime: SessionLifetime) {
        self.lifetime = lifetime
    }

    deinit {
        self.lifetime.terminate()
    }
}
