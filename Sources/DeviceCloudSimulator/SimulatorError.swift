/// The one error of the simulator: a refused store operation, a push publish with nobody
/// connected, or a simulator run twice.
///
/// Follows the "one error struct with extensible codes" pattern: compare ``code`` with the
/// static members and read ``message`` for a human explanation. Never carries a password.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    // The package's error shape (struct + extensible `Code`), repeated on purpose: each layer owns its codes.
    /// The kind of failure, as extensible static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case notFound
            case invalidDefinition
            case invalidCondition
            case notConnected
            case alreadyRun
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        // This layer's own codes, in the shape every layer's Code has.
        /// No monitor has the id.
        public static let notFound = Code(.notFound)
        /// A create or update would leave the monitor without topics, with an unknown
        /// transport, format, compression, ack option or method, or with bad numbers.
        public static let invalidDefinition = Code(.invalidDefinition)
        /// A list condition names an element monitors do not have.
        public static let invalidCondition = Code(.invalidCondition)
        /// The push server has no client connected for the monitor (see ``monitorID``).
        public static let notConnected = Code(.notConnected)
        /// ``Simulator/run()`` was called a second time, or after ``Simulator/shutDown()``.
        public static let alreadyRun = Code(.alreadyRun)

        /// The code's name.
        public var description: String { self.base.rawValue }
    }

    // Fields, initialiser and description: the package's error shape, repeated per layer on purpose.
    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation, free of secrets.
    public var message: String
    /// The monitor concerned, when there is one.
    public var monitorID: UInt32?

    /// Creates an error.
    public init(_ code: Code, _ message: String, monitorID: UInt32? = nil) {
        self.code = code
        self.message = message
        self.monitorID = monitorID
    }

    /// The code and message; free of secrets.
    public var description: String { "SimulatorError.\(self.code): \(self.message)" }
}

extension SimulatorError {
    /// The push server has no client connected for `monitorID`.
    public static func notConnected(monitorID: UInt32) -> SimulatorError {
        SimulatorError(.notConnected, "no client is connected for monitor \(monitorID)", monitorID: monitorID)
    }
}
