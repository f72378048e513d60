/// A comparison in a `/ws/Monitor` condition.
public enum MonitorComparisonOperator: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `field='value'`: equal.
    case equal = "="
    /// `field<'value'`: less than.
    case lessThan = "<"
    /// `field>'value'`: greater than.
    case greaterThan = ">"
    /// `field like 'pattern'`: matches, `%` standing for any run of characters.
    case like = "like"

    /// The element's text, as `rawValue`.
    public var description: String { self.rawValue }
}
