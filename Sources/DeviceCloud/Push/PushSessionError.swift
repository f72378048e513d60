/// Why a push session's event stream ended with an error.
///
/// Carries the monitor id, and the service's status or the block id where they apply;
/// never a password.
public struct PushSessionError: Error, Sendable, CustomStringConvertible {
    // The package's error shape (struct + extensible `Code`), repeated on purpose: each layer owns its codes.
    /// The kind of failure, as extensible static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case authenticationFailed
            case connectionRejected
            case handshakeTimeout
            case connectionFailed
            case reconnectAttemptsExhausted
            case protocolViolation
            case undecodableBlock
            case alreadyStreaming
            case connectionLost
            case idleTimeout
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        // This layer's own codes, in the shape every layer's Code has.
        /// The service answered 403: the user name or password is wrong. Not retried.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The service refused the connection with another status (400: unknown monitor, or one
        /// that is not a TCP monitor). See ``PushSessionError/status``. Not retried.
        public static let connectionRejected = Code(.connectionRejected)
        /// No ConnectResponse arrived within the configured time.
        public static let handshakeTimeout = Code(.handshakeTimeout)
        /// The first connection could not be made (refused, unreachable, TLS failure).
        public static let connectionFailed = Code(.connectionFailed)
        /// A dropped connection could not be re-established within the reconnect policy's attempts.
        public static let reconnectAttemptsExhausted = Code(.reconnectAttemptsExhausted)
        /// The service sent something the protocol does not allow (bad framing, an oversize frame,
        /// an unexpected message). See ``PushSessionError/underlying``.
        public static let protocolViolation = Code(.protocolViolation)
        /// A block could not be inflated or its document could not be read. The block was not
        /// acknowledged, so the service still holds it. See ``PushSessionError/underlying``.
        public static let undecodableBlock = Code(.undecodableBlock)
        /// ``PushSession/events()`` was called a second time on the same session, or two tasks
        /// pulled the same stream at once.
        public static let alreadyStreaming = Code(.alreadyStreaming)
        /// An accepted connection dropped. The session reconnects, so this only appears as the
        /// ``PushSessionError/underlying`` reason of ``reconnectAttemptsExhausted``.
        public static let connectionLost = Code(.connectionLost)
        /// Nothing was read for ``PushSession/Configuration/idleTimeout``. The session reconnects,
        /// so this only appears as the ``PushSessionError/underlying`` reason of ``reconnectAttemptsExhausted``.
        public static let idleTimeout = Code(.idleTimeout)

        public var description: String { self.base.rawValue }
    }

    // Fields, initialiser and description: the package's error shape, repeated per layer on purpose.
    /// The kind of failure.
    public var code: Code
    /// The monitor the session belongs to.
    public var monitorID: UInt32
    /// The ConnectResponse status, for ``Code/authenticationFailed`` and ``Code/connectionRejected``.
    public var status: UInt16?
    /// The block concerned, for ``Code/undecodableBlock``.
    public var blockID: UInt16?
    /// The error underneath, with its own type: a `DeviceCloudProtocol/DeviceCloudProtocolError`, an
    /// `NIOSSLError`, an `IOError`, or the ``PushSessionError`` that ended the last attempt.
    public var underlying: (any Error)?
    /// A human-readable explanation, free of secrets.
    public var message: String

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates an error.
    public init(
        _ code: Code,
        monitorID: UInt32,
        message: String,
        status: UInt16? = nil,
        blockID: UInt16? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.monitorID = monitorID
        self.message = message
        self.status = status
        self.blockID = blockID
        self.underlying = underlying
    }

    public var description: String {
        var text = "PushSessionError.\(self.code) (monitor \(self.monitorID)"
        if let status = self.status { text += ", status \(status)" }
        if let blockID = self.blockID { text += ", block \(blockID)" }
        text += "): \(self.message)"
        if let underlying = self.underlying { text += " [\(underlying)]" }
        return text
    }
}
