extension PushSession {
    /// Where a session's connection stands, for health checks and status lines.
    public enum ConnectionState: Sendable, CustomStringConvertible {
        /// Not started: nothing has pulled the event stream or called ``PushSession/connect()``.
        case idle
        /// Dialling, or waiting for the service to accept the ConnectRequest.
        case connecting
        /// Accepted by the service; blocks flow.
        case streaming
        /// The last connection or attempt ended; the next attempt is due after a delay, within
        /// ``PushSession/Configuration/reconnect``.
        case backingOff
        /// Closed normally (``PushSession/close()``, the consumer stopped pulling).
        case closed
        /// Ended for good with this error (bad credentials, a refused monitor, reconnect
        /// attempts exhausted, …).
        case failed(PushSessionError)

        /// Whether the session is doing what its policy says it should: starting, connecting,
        /// streaming or backing off within its reconnect policy.
        public var isWithinPolicy: Bool {
            switch self {
            case .idle, .connecting, .streaming, .backingOff: true
            case .closed, .failed: false
            }
        }

        public var description: String {
            switch self {
            case .idle: "idle"
            case .connecting: "connecting"
            case .streaming: "streaming"
            case .backingOff: "backing off"
            case .closed: "closed"
            case .failed(let error): "failed: \(error)"
            }
        }
    }

    /// The connection's state now (read from any thread, without waiting for the actor).
    public nonisolated var connectionState: ConnectionState {
        self.core.withMachine { machine in
            switch machine.state {
            case .idle: .idle
            case .connecting, .handshaking: .connecting
            case .streaming: .streaming
            case .backingOff: .backingOff
            case .closed(nil): .closed
            case .closed(let error?): .failed(error)
            }
        }
    }
}
