/// Why a ``PostgresEventSink`` could not reach its database or commit a transaction.
///
/// Never contains the password: messages name the host, port, database and user only.
public struct PostgresSinkError: Error, Sendable, Hashable, CustomStringConvertible {
    // The package's error shape (struct + extensible `Code`), repeated on purpose: each layer owns its codes.
    /// What went wrong; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case connectionFailed, writeFailed, newerSchema
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        // This layer's own codes, in the shape every layer's Code has.
        /// The database could not be reached or refused the connection.
        public static let connectionFailed = Code(.connectionFailed)
        /// A statement or the commit failed (see the message, which carries the server's).
        public static let writeFailed = Code(.writeFailed)
        /// The database has a relay schema from a later version of the relay.
        public static let newerSchema = Code(.newerSchema)

        public var description: String { self.base.rawValue }
    }

    // Fields, initialiser and description: the package's error shape, repeated per layer on purpose.
    /// What went wrong.
    public var code: Code
    /// A sentence for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "PostgresSinkError.\(self.code): \(self.message)" }
}
