import DeviceCloudServerSupport
extension Simulator {
    /// An API key the simulator accepts beside the account's user name and password, sent by
    /// clients as the `X-API-KEY-ID` and `X-API-KEY-SECRET` headers. Printing it never shows
    /// the secret.
    public struct APIKey: Sendable, Hashable, CustomStringConvertible {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
        /// The key's id.
        public var id: String
        /// The key's secret. Never logged.
        public var secret: String

        /// Creates a key.
        public init(id: String, secret: String) {
            self.id = id
            self.secret = secret
        }

        /// Whether `id` and `secret` are this key's, compared in constant time.
        func matches(id: String, secret: String) -> Bool {
            let idMatches = constantTimeEquals(id, self.id)
            let secretMatches = constantTimeEquals(secret, self.secret)
            return idMatches && secretMatches
        }

        /// The id; never the secret.
        public var description: String { "APIKey(id: \(self.id), secret: <redacted>)" }
    }
}
