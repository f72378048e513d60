public import DeviceCloudProtocol
import Foundation

/// Decides which monitors a list condition selects, as the simulator reads the grammar.
///
/// - `=` compares the element's text exactly.
/// - `<` and `>` compare numbers when both sides are integers, instants when both are
///   timestamps, and text otherwise.
/// - `like` matches the whole text, `%` standing for any run of characters (case-sensitive).
/// - A comparison with an element the monitor does not have is false.
public struct MonitorConditionEvaluator: Sendable {
    private let condition: MonitorCondition

    /// Prepares `condition`.
    ///
    /// - Throws: ``SimulatorError/Code/invalidCondition`` when it names an element that is
    ///   not a monitor element.
    public init(_ condition: MonitorCondition) throws(SimulatorError) {
        let known = Set(MonitorElement.all)
        for name in Self.fieldNames(in: condition) where !known.contains(name.rawValue) {
            throw SimulatorError(.invalidCondition, "monitors have no element \(name)")
        }
        self.condition = condition
    }

    /// Whether the record satisfies the condition.
    public func matches(_ record: MonitorRecord) -> Bool {
        var texts: [String: String] = [:]
        for (name, text) in record.elements() {
            texts[name] = text
        }
        return Self.evaluate(self.condition, texts)
    }

    private static func evaluate(_ condition: MonitorCondition, _ texts: [String: String]) -> Bool {
        switch condition {
        case .and(let lhs, let rhs):
            evaluate(lhs, texts) && evaluate(rhs, texts)
        case .or(let lhs, let rhs):
            evaluate(lhs, texts) || evaluate(rhs, texts)
        case .comparison(let field, let comparison, let value):
            texts[field.rawValue].map { compare($0, comparison, value) } ?? false
        }
    }

    private static func compare(_ text: String, _ comparison: MonitorComparisonOperator, _ value: String) -> Bool {
        switch comparison {
        case .equal:
            return text == value
        case .like:
            return Self.like(Array(text.unicodeScalars), pattern: Array(value.unicodeScalars))
        case .lessThan, .greaterThan:
            let order: ComparisonResult
            if let lhs = Int64(text), let rhs = Int64(value) {
                order = lhs < rhs ? .orderedAscending : (lhs > rhs ? .orderedDescending : .orderedSame)
            } else if let lhs = Self.instant(text), let rhs = Self.instant(value) {
                order = lhs < rhs ? .orderedAscending : (lhs > rhs ? .orderedDescending : .orderedSame)
            } else {
                order = text < value ? .orderedAscending : (text > value ? .orderedDescending : .orderedSame)
            }
            return comparison == .lessThan ? order == .orderedAscending : order == .orderedDescending
        }
    }

    /// Seconds since 1970 of an ISO-8601 timestamp with a date and a time.
    private static func instant(_ text: String) -> Double? {
        guard text.contains("T") else { return nil }
        let strategies = [
            Date.ISO8601FormatStyle(includingFractionalSeconds: true),
            Date.ISO8601FormatStyle(includingFractionalSeconds: false),
        ]
        for strategy in strategies {
            if let date = try? strategy.parse(text) { return date.timeIntervalSince1970 }
        }
        return nil
    }

    /// `%` matches any run; everything else matches itself. Linear backtracking on the last `%`.
    private static func like(_ text: [Unicode.Scalar], pattern: [Unicode.Scalar]) -> Bool {
        var t = 0
        var p = 0
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "%" {
                star = p
                p += 1
                resume = t
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "%" { p += 1 }
        return p == pattern.count
    }

    private static func fieldNames(in condition: MonitorCondition) -> [MonitorFieldName] {
        switch condition {
        case .comparison(let field, _, _): [field]
        case .and(let lhs, let rhs), .or(let lhs, let rhs): fieldNames(in: lhs) + fieldNames(in: rhs)
        }
    }
}
