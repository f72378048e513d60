/// A monitor's read-only `monStatus`.
///
/// A value this library does not know is kept, exactly as sent, rather than dropped.
public struct MonitorStatus: OpenEnumeration {
    // The storage OpenEnumeration needs, alike in every field; the constants below are this field's own.
    /// The element's text, as the service sent it.
    public let rawValue: String

    /// Wraps `text` as it is (see ``init(rawValue:)``).
    public init(verbatim text: String) {
        self.rawValue = text
    }

    /// An HTTP monitor the service is connecting to (`CONNECTING`).
    public static let connecting = MonitorStatus(verbatim: "CONNECTING")
    /// Connected and delivering (`ACTIVE`).
    public static let active = MonitorStatus(verbatim: "ACTIVE")
    /// Not connected (`INACTIVE`).
    public static let inactive = MonitorStatus(verbatim: "INACTIVE")
    /// Disconnected with auto-replay on: events are recorded for later (`SUSPENDED`).
    public static let suspended = MonitorStatus(verbatim: "SUSPENDED")
    /// An HTTP monitor that could not connect for 24 hours: events are no longer recorded (`DISABLED`).
    public static let disabled = MonitorStatus(verbatim: "DISABLED")

    /// The values this library knows.
    public static let recognized: [MonitorStatus] = [.connecting, .active, .inactive, .suspended, .disabled]
}
