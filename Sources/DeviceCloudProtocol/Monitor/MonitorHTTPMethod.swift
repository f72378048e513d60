/// An HTTP monitor's `monTransportMethod`: how the service sends each block to the customer URL.
///
/// A value this library does not know is kept, exactly as sent, rather than dropped.
public struct MonitorHTTPMethod: OpenEnumeration {
    // The storage OpenEnumeration needs, alike in every field; the constants below are this field's own.
    /// The element's text, as the service sent it.
    public let rawValue: String

    /// Wraps `text` as it is (see ``init(rawValue:)``).
    public init(verbatim text: String) {
        self.rawValue = text
    }

    /// `PUT`, the service's default.
    public static let put = MonitorHTTPMethod(verbatim: "PUT")
    /// `POST`.
    public static let post = MonitorHTTPMethod(verbatim: "POST")

    /// The values this library knows.
    public static let recognized: [MonitorHTTPMethod] = [.put, .post]
}
