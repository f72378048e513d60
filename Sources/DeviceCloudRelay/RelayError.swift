/// Why a ``MonitorRelay`` refused a monitor or stopped.
///
/// Never contains a password: messages name monitors, files and hosts only.
public struct RelayError: Error, Sendable, Hashable, CustomStringConvertible {
    // The package's error shape (struct + extensible `Code`), repeated on purpose: each layer owns its codes.
    /// What went wrong; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unacknowledgedMonitor, sourceFailed, shutdownBeforeCommit
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        // This layer's own codes, in the shape every layer's Code has.
        /// The monitor's acknowledgement option is off: the service forgets each block as soon as
        /// it is sent, so a crash between sending and committing would lose it.
        public static let unacknowledgedMonitor = Code(.unacknowledgedMonitor)
        /// A source's stream ended with an error (e.g. refused credentials).
        public static let sourceFailed = Code(.sourceFailed)
        /// The relay was cancelled while a commit was still failing: the batches it held were
        /// not acknowledged and the service will deliver them again.
        public static let shutdownBeforeCommit = Code(.shutdownBeforeCommit)

        public var description: String { self.base.rawValue }
    }

    // Fields, initialiser and description: the package's error shape, repeated per layer on purpose.
    /// What went wrong.
    public var code: Code
    /// A sentence for people.
    public var message: String
    /// The monitor concerned, if one.
    public var monitorID: UInt32?
    /// The underlying error's description, if any.
    public var underlying: String?

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates an error.
    public init(_ code: Code, message: String, monitorID: UInt32? = nil, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.monitorID = monitorID
        self.underlying = underlying
    }

    public var description: String {
        var text = "RelayError.\(self.code): \(self.message)"
        if let underlying { text += " (\(underlying))" }
        return text
    }
}
