import Foundation

extension DeviceCloud {
    /// How web-service requests authenticate.
    ///
    /// Push sessions are another matter: the push protocol's ConnectRequest carries a user name
    /// and a password and nothing else, so a push session is always built from `Credentials`
    /// (``PushSession/Configuration`` has no way to take an API key). A cloud authenticated by
    /// an API key streams monitors only when it is also given push credentials (see
    /// ``DeviceCloud/init(url:authentication:pushCredentials:configuration:logger:)``).
    ///
    /// Printing, dumping or logging it never shows the password or the key's secret.
    public enum Authentication: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// HTTP basic authentication with the account's user name and password.
        case basic(Credentials)
        /// An API key, sent as the `X-API-KEY-ID` and `X-API-KEY-SECRET` headers.
        case apiKey(id: String, secret: String)

        /// The headers that authenticate a request.
        var headers: [(name: String, value: String)] {
            switch self {
            case .basic(let credentials):
                let pair = Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
                return [("Authorization", "Basic \(pair)")]
            case .apiKey(let id, let secret):
                return [("X-API-KEY-ID", id), ("X-API-KEY-SECRET", secret)]
            }
        }

        /// Values that must never appear in a log line, a description or an error.
        var secrets: [String] {
            switch self {
            case .basic(let credentials):
                let pair = Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
                return [credentials.password, pair]
            case .apiKey(_, let secret):
                return [secret]
            }
        }

        /// Who is authenticating, without the secret: the user name or the key id.
        public var identity: String {
            switch self {
            case .basic(let credentials): credentials.username
            case .apiKey(let id, _): id
            }
        }

        /// The credentials a push session can use, when this is basic authentication.
        public var credentials: Credentials? {
            if case .basic(let credentials) = self { return credentials }
            return nil
        }

        /// The kind and identity; never the secret.
        public var description: String {
            switch self {
            case .basic(let credentials): "basic(\(credentials))"
            case .apiKey(let id, _): "apiKey(id: \(id), secret: <redacted>)"
            }
        }

        /// The same as ``description``.
        public var debugDescription: String { self.description }

        /// A mirror without the secret.
        public var customMirror: Mirror {
            switch self {
            case .basic(let credentials):
                Mirror(self, children: ["basic": credentials], displayStyle: .enum)
            case .apiKey(let id, _):
                Mirror(self, children: ["id": id, "secret": "<redacted>"], displayStyle: .enum)
            }
        }
    }
}
