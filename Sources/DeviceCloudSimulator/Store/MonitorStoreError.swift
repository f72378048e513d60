/// Why the simulator's ``MonitorStore`` refused a request.
///
/// The REST routes answer ``Code/notFound`` with 404 and the others with 400.
public struct MonitorStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal, as extensible static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case notFound
            case invalidDefinition
            case invalidCondition
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No monitor has the id.
        public static let notFound = Code(.notFound)
        /// A create or update would leave the monitor without topics, with an unknown
        /// transport, format, compression, ack option or method, or with bad numbers.
        public static let invalidDefinition = Code(.invalidDefinition)
        /// A list condition names an element monitors do not have.
        public static let invalidCondition = Code(.invalidCondition)

        /// The code's name.
        public var description: String { self.base.rawValue }
    }

    /// The kind of refusal.
    public var code: Code
    /// A human-readable explanation, free of secrets.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and message; free of secrets.
    public var description: String { "MonitorStoreError.\(self.code): \(self.message)" }
}
