/// The first message a client sends: credentials and the monitor to attach to.
///
/// Its ``description`` never shows the password.
public struct ConnectRequest: Sendable, Hashable, CustomStringConvertible {
    /// Protocol version; the service speaks version 1.
    public var version: UInt16
    /// The account's user name.
    public var username: String
    /// The account's password. Never printed.
    public var password: String
    /// The monitor to receive events from.
    public var monitorID: UInt32

    /// Creates a connect request.
    public init(version: UInt16 = 1, username: String, password: String, monitorID: UInt32) {
        self.version = version
        self.username = username
        self.password = password
        self.monitorID = monitorID
    }

    public var description: String {
        "ConnectRequest(version: \(self.version), username: \(self.username), password: <redacted>, monitorID: \(self.monitorID))"
    }
}
