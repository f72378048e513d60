/// A format-neutral resource body, so one event can be written as JSON or as XML.
///
/// Used by the simulator and by tests and benchmarks to produce documents the way the service does.
public indirect enum ResourceValue: Sendable, Hashable {
    /// A string (JSON string, XML text).
    case string(String)
    /// A number, written exactly as given (e.g. `"21.5"`, `"1434307047694"`).
    case number(String)
    /// A boolean.
    case bool(Bool)
    /// An object (JSON) or child elements (XML), in order.
    case object([(String, ResourceValue)])

    public static func == (lhs: ResourceValue, rhs: ResourceValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let value): hasher.combine(0); hasher.combine(value)
        case .number(let value): hasher.combine(1); hasher.combine(value)
        case .bool(let value): hasher.combine(2); hasher.combine(value)
        case .object(let fields):
            hasher.combine(3)
            for (key, value) in fields {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }
}
