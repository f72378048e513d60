/// An error of an ``HTTPReceiver``.
///
/// Switch over ``code`` with `==` against the static members and read ``message`` for a human
/// explanation. The error never carries the transport token.
public struct HTTPReceiverError: Error, Sendable, Hashable, CustomStringConvertible {
    // The package's error shape (struct + extensible `Code`), repeated on purpose: each layer owns its codes.
    /// What went wrong, as an extensible set of static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case alreadyStreaming
            case alreadyRun
            case listenFailed
            case serverFailed
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        // This layer's own codes, in the shape every layer's Code has.
        /// ``HTTPReceiver/events()`` was called a second time, or two tasks pulled its stream at once.
        public static let alreadyStreaming = Code(.alreadyStreaming)
        /// ``HTTPReceiver/run()`` was called a second time.
        public static let alreadyRun = Code(.alreadyRun)
        /// The server could not listen (e.g. the port is in use, or the TLS settings are invalid).
        public static let listenFailed = Code(.listenFailed)
        /// The server failed after it had started listening.
        public static let serverFailed = Code(.serverFailed)

        /// The code's name, e.g. `listenFailed`.
        public var description: String { self.base.rawValue }
    }

    // Fields, initialiser and description: the package's error shape, repeated per layer on purpose.
    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation, free of secrets.
    public var message: String

    /// Creates an error with a code and an explanation.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message, e.g. `HTTPReceiverError.listenFailed: could not listen on …`.
    public var description: String { "HTTPReceiverError.\(self.code): \(self.message)" }
}
