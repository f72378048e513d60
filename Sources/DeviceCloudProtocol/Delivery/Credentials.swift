/// An account's user name and password. Printing, dumping or logging it never shows the password.
public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    // A plain record of its own fields; alike in shape to other records, not in meaning.
    /// The user name.
    public var username: String
    /// The password.
    public var password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "Credentials(username: \(self.username), password: <redacted>)" }
    public var debugDescription: String { self.description }
    public var customMirror: Mirror {
        Mirror(self, children: ["username": self.username, "password": "<redacted>"], displayStyle: .struct)
    }
}
