/// A monitor's `monTransportType`: how the service delivers its events.
///
/// A value this library does not know (the service also has polling monitors) is kept,
/// exactly as sent, rather than dropped.
public struct MonitorTransportType: OpenEnumeration {
    // The storage OpenEnumeration needs, alike in every field; the constants below are this field's own.
    /// The element's text, as the service sent it.
    public let rawValue: String

    /// Wraps `text` as it is (see ``init(rawValue:)``).
    public init(verbatim text: String) {
        self.rawValue = text
    }

    /// The client connects to the push service over TCP or TLS (`tcp`).
    public static let tcp = MonitorTransportType(verbatim: "tcp")
    /// The service sends each block to a customer URL (`http`).
    public static let http = MonitorTransportType(verbatim: "http")
    /// The values this library knows.
    public static let recognized: [MonitorTransportType] = [.tcp, .http]
}
