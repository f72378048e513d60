/// The one error of the protocol layer: push framing and limits, a payload that cannot be
/// decoded, and `/ws/Monitor` documents and conditions that cannot be read or written.
///
/// Follows the "one error struct with extensible codes" pattern: compare ``code`` with the
/// static members using `==`, and read ``message`` for a human explanation.
/// The error never carries credentials (no password, transport token or header value).
public struct DeviceCloudProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    // The package's error shape (struct + extensible `Code`), repeated on purpose: each layer owns its codes.
    /// What went wrong, as an extensible set of static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unknownMessageType
            case frameTooLarge
            case malformedFrame
            case truncatedStream
            case unknownCompression
            case unknownFormat
            case decompressedPayloadTooLarge
            case corruptCompressedPayload
            case tooManyEvents
            case malformedDocument
            case unsupportedResourceDecoding
            case invalidElementValue
            case unrepresentableText
            case malformedCondition
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        // Push frames and blocks.

        // This layer's own codes, in the shape every layer's Code has.
        /// A frame header named a message type this library does not know.
        public static let unknownMessageType = Code(.unknownMessageType)
        /// A frame header declared a length above ``PushLimits/maximumFrameLength``.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// A frame's fields do not fit its declared length (e.g. payloadSize larger than the frame).
        public static let malformedFrame = Code(.malformedFrame)
        /// The connection closed in the middle of a frame.
        public static let truncatedStream = Code(.truncatedStream)
        /// A PublishMessage named a compression other than none (0) or zlib (1).
        public static let unknownCompression = Code(.unknownCompression)
        /// A PublishMessage named a format other than XML (0) or JSON (1).
        public static let unknownFormat = Code(.unknownFormat)
        /// Inflating a payload would exceed ``PushLimits/maximumDecompressedSize``.
        public static let decompressedPayloadTooLarge = Code(.decompressedPayloadTooLarge)
        /// A zlib payload could not be inflated.
        public static let corruptCompressedPayload = Code(.corruptCompressedPayload)
        /// A document holds more events than ``PushLimits/maximumEventsPerBatch``.
        public static let tooManyEvents = Code(.tooManyEvents)

        // Documents: event blocks, and `/ws/Monitor` answers.

        /// A JSON or XML document is not well formed or lacks a required part.
        public static let malformedDocument = Code(.malformedDocument)
        /// A resource body cannot be decoded into the requested type.
        public static let unsupportedResourceDecoding = Code(.unsupportedResourceDecoding)

        // Monitor definitions and conditions.

        /// A monitor element holds a value that does not fit it (a negative batch size, a
        /// fractional number of seconds, a header line without a colon…).
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

    /// The code and message; free of secrets.
    public var description: String { "DeviceCloudProtocolError.\(self.code): \(self.message)" }
}
