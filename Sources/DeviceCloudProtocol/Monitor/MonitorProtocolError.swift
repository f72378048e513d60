/// An error reading or writing a `/ws/Monitor` document or condition.
///
/// Follows the "one error struct with extensible codes" pattern: compare ``code`` with the
/// static members and read ``message`` for a human explanation. Never carries a password or a
/// transport token.
public struct MonitorProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an extensible set of static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case malformedDocument
            case invalidElementValue
            case unrepresentableText
            case malformedCondition
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// A document is not well formed, or lacks a required part.
        public static let malformedDocument = Code(.malformedDocument)
        /// An element holds a value that does not fit it (a negative batch size, a fractional
        /// number of seconds, a header line without a colon…).
        public static let invalidElementValue = Code(.invalidElementValue)
        /// A value holds characters XML 1.0 cannot carry (control characters other than tab,
        /// line feed and carriage return).
        public static let unrepresentableText = Code(.unrepresentableText)
        /// A condition does not follow the grammar: an unknown operator, an unbalanced quote or
        /// parenthesis, a dangling `and`/`or`, or more nesting than allowed.
        public static let malformedCondition = Code(.malformedCondition)

        /// The code's name.
        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation, free of secrets.
    public var message: String

    /// Creates an error with a code and an explanation.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and message; free of secrets.
    public var description: String { "MonitorProtocolError.\(self.code): \(self.message)" }
}
