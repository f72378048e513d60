/// A TCP monitor's `monAckOption`: whether the client acknowledges each block.
///
/// A value this library does not know is kept, exactly as sent, rather than dropped.
public struct MonitorAckOption: OpenEnumeration {
    // The storage OpenEnumeration needs, alike in every field; the constants below are this field's own.
    /// The element's text, as the service sent it.
    public let rawValue: String

    /// Wraps `text` as it is (see ``init(rawValue:)``).
    public init(verbatim text: String) {
        self.rawValue = text
    }

    /// The client acknowledges each block; unacknowledged blocks are not delivered (`explicit`).
    public static let explicit = MonitorAckOption(verbatim: "explicit")
    /// A block counts as delivered once sent (`off`), the service's default.
    public static let off = MonitorAckOption(verbatim: "off")

    /// The values this library knows.
    public static let recognized: [MonitorAckOption] = [.explicit, .off]
}
