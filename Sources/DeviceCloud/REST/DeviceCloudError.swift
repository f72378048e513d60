/// Why a call to the Remote Manager web services failed.
///
/// Compare ``code`` with the static members; ``status`` and ``body`` hold the service's answer
/// where there was one, ``monitorID`` the monitor concerned. Never carries the account's
/// password, the `Authorization` header or a monitor's transport token.
public struct DeviceCloudError: Error, Sendable, CustomStringConvertible {
    // The package's error shape (struct + extensible `Code`), repeated on purpose: each layer owns its codes.
    /// The kind of failure, as extensible static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case badRequest
            case authenticationFailed
            case forbidden
            case notFound
            case throttled
            case unexpectedStatus
            case transportFailed
            case invalidResponse
            case invalidArgument
            case timedOut
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        // This layer's own codes, in the shape every layer's Code has.
        /// 400: the service refused the request (a malformed document or condition, a value it
        /// does not accept). See ``DeviceCloudError/body``.
        public static let badRequest = Code(.badRequest)
        /// 401: the user name or password is wrong.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// 403: the account may not do this.
        public static let forbidden = Code(.forbidden)
        /// 404: no such monitor (or resource).
        public static let notFound = Code(.notFound)
        /// 429 still, after every retry the ``RetryPolicy`` allows.
        public static let throttled = Code(.throttled)
        /// Another status outside 2xx. See ``DeviceCloudError/status``.
        public static let unexpectedStatus = Code(.unexpectedStatus)
        /// The request did not get an answer: connection refused or reset, TLS failure, timeout.
        /// See ``DeviceCloudError/underlying``.
        public static let transportFailed = Code(.transportFailed)
        /// The answer could not be read: not the expected document, or larger than allowed.
        public static let invalidResponse = Code(.invalidResponse)
        /// The request was not sent because a value cannot be expressed: a duration that is
        /// not a whole number of its unit, a control character XML cannot carry, a URL without a host…
        public static let invalidArgument = Code(.invalidArgument)
        /// An attempt did not complete within ``DeviceCloud/Configuration/requestTimeout``,
        /// counted from its start to the last byte of the answer (a service that sends headers
        /// and then stalls ends here too).
        public static let timedOut = Code(.timedOut)

        /// The code's name.
        public var description: String { self.base.rawValue }

        /// The code for a non-2xx status.
        static func forStatus(_ status: Int) -> Code {
            switch status {
            case 400: .badRequest
            case 401: .authenticationFailed
            case 403: .forbidden
            case 404: .notFound
            case 429: .throttled
            default: .unexpectedStatus
            }
        }
    }

    // Fields, initialiser and description: the package's error shape, repeated per layer on purpose.
    /// The kind of failure.
    public var code: Code
    /// The HTTP status the service answered with, if it answered.
    public var status: Int?
    /// The start of the service's answer body (at most ``maximumBodyLength`` characters), with
    /// any occurrence of the password or a token sent in the request replaced by `<redacted>`.
    public var body: String?
    /// The monitor the call concerned, if any.
    public var monitorID: UInt32?
    /// How many requests were sent (more than one when 429 answers were retried).
    public var attempts: Int
    /// A human-readable explanation, free of secrets.
    public var message: String
    /// The error underneath (a transport or document error), if any.
    public var underlying: (any Error)?

    /// The longest ``body`` kept.
    public static let maximumBodyLength = 4096

    // Written out: Swift synthesises no public memberwise initialiser.
    /// Creates an error.
    public init(
        _ code: Code,
        message: String,
        status: Int? = nil,
        body: String? = nil,
        monitorID: UInt32? = nil,
        attempts: Int = 1,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.body = body
        self.monitorID = monitorID
        self.attempts = attempts
        self.underlying = underlying
    }

    /// The code and message; free of secrets.
    public var description: String {
        var text = "DeviceCloudError.\(self.code) ("
        var context: [String] = []
        if let status = self.status { context.append("status \(status)") }
        if let monitorID = self.monitorID { context.append("monitor \(monitorID)") }
        if self.attempts > 1 { context.append("\(self.attempts) attempts") }
        text += context.joined(separator: ", ") + "): \(self.message)"
        if let body = self.body, !body.isEmpty { text += " body: \(body)" }
        if let underlying = self.underlying { text += " [\(underlying)]" }
        return text
    }
}
