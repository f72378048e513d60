/// A monitor element in a condition, typed by the values it compares with.
///
/// The common ones are in ``MonitorField``; ``init(name:)`` names any other.
public struct MonitorConditionField<Value: MonitorConditionValue>: Sendable, Hashable {
    /// The element's name.
    public let name: MonitorFieldName

    /// A field named `name`, or `nil` when it is not a plain identifier.
    public init?(name: String) {
        guard let name = MonitorFieldName(rawValue: name) else { return nil }
        self.name = name
    }

    init(unchecked name: String) {
        self.name = MonitorFieldName(unchecked: name)
    }

    /// `field='value'`.
    public static func == (field: Self, value: Value) -> MonitorCondition {
        .comparison(field.name, .equal, value.conditionText)
    }

    /// `field<'value'`.
    public static func < (field: Self, value: Value) -> MonitorCondition {
        .comparison(field.name, .lessThan, value.conditionText)
    }

    /// `field>'value'`.
    public static func > (field: Self, value: Value) -> MonitorCondition {
        .comparison(field.name, .greaterThan, value.conditionText)
    }

    /// `field like 'pattern'`: `%` in the pattern stands for any run of characters.
    public func like(_ pattern: String) -> MonitorCondition {
        .comparison(self.name, .like, pattern)
    }
}
