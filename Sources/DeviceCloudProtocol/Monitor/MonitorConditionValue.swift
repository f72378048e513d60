public import Foundation

/// A value that can stand on the right of a condition: it knows its condition text.
public protocol MonitorConditionValue: Sendable {
    /// The value as written between the quotes, before quote-doubling.
    var conditionText: String { get }
}

extension String: MonitorConditionValue {
    /// The string itself.
    public var conditionText: String { self }
}

extension Int: MonitorConditionValue {
    /// Decimal digits.
    public var conditionText: String { String(self) }
}

extension UInt32: MonitorConditionValue {
    /// Decimal digits.
    public var conditionText: String { String(self) }
}

extension Bool: MonitorConditionValue {
    /// `true` or `false`.
    public var conditionText: String { self ? "true" : "false" }
}

extension Date: MonitorConditionValue {
    /// ISO-8601 in UTC, e.g. `2014-07-07T00:00:00Z` (milliseconds only when not zero).
    public var conditionText: String { MonitorElementText.timestamp(self) }
}

extension Array: MonitorConditionValue where Element == String {
    /// The topics joined by commas, as `monTopic` holds them.
    public var conditionText: String { self.joined(separator: ",") }
}

extension MonitorConditionValue where Self: OpenEnumeration {
    /// The element's text.
    public var conditionText: String { self.rawValue }
}

extension MonitorTransportType: MonitorConditionValue {}
extension MonitorFormat: MonitorConditionValue {}
extension MonitorCompression: MonitorConditionValue {}
extension MonitorAckOption: MonitorConditionValue {}
extension MonitorStatus: MonitorConditionValue {}
extension MonitorHTTPMethod: MonitorConditionValue {}
