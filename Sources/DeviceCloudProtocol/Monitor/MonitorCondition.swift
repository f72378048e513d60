/// A filter for `GET /ws/Monitor`, in the service's condition grammar.
///
/// Build one with the typed fields of ``MonitorField`` and the operators `==`, `<`, `>`,
/// ``MonitorConditionField/like(_:)``, `&&` and `||`:
/// ```swift
/// let condition = MonitorField.transportType == .tcp && MonitorField.lastConnect > someDate
/// condition.compiled  // monTransportType='tcp' and monLastConnect>'2014-07-07T00:00:00Z'
/// ```
///
/// Values are always single-quoted; a quote inside a value is doubled (`O'Brien` is written
/// `'O''Brien'`), so no value can end its quotes early and add to the query. `and` binds more
/// tightly than `or`; parentheses are written only where an `or` sits inside an `and`.
public indirect enum MonitorCondition: Sendable, Hashable, CustomStringConvertible {
    /// `field op 'value'`.
    case comparison(MonitorFieldName, MonitorComparisonOperator, String)
    /// Both conditions hold.
    case and(MonitorCondition, MonitorCondition)
    /// Either condition holds.
    case or(MonitorCondition, MonitorCondition)

    /// Both conditions hold.
    public static func && (lhs: MonitorCondition, rhs: MonitorCondition) -> MonitorCondition {
        .and(lhs, rhs)
    }

    /// Either condition holds.
    public static func || (lhs: MonitorCondition, rhs: MonitorCondition) -> MonitorCondition {
        .or(lhs, rhs)
    }

    /// The condition as the service reads it, e.g. `a>'21' and b='x'`.
    public var compiled: String {
        var text = ""
        self.write(into: &text, insideAnd: false)
        return text
    }

    /// The compiled condition, as ``compiled``.
    public var description: String { self.compiled }

    /// Quotes a value: single quotes around it, each quote inside doubled.
    public static func quoted(_ value: String) -> String {
        "'" + value.doublingSingleQuotes() + "'"
    }

    private func write(into text: inout String, insideAnd: Bool) {
        switch self {
        case .comparison(let field, let comparison, let value):
            text += field.rawValue
            text += comparison == .like ? " like " : comparison.rawValue
            text += Self.quoted(value)
        case .and(let lhs, let rhs):
            lhs.write(into: &text, insideAnd: true)
            text += " and "
            rhs.write(into: &text, insideAnd: true)
        case .or(let lhs, let rhs):
            if insideAnd { text += "(" }
            lhs.write(into: &text, insideAnd: false)
            text += " or "
            rhs.write(into: &text, insideAnd: false)
            if insideAnd { text += ")" }
        }
    }
}

extension String {
    /// The string with every `'` written twice. Works on Unicode scalars, not characters: a
    /// quote followed by a combining mark is one `Character` but still a quote to the reader.
    func doublingSingleQuotes() -> String {
        var result = String.UnicodeScalarView()
        for scalar in self.unicodeScalars {
            result.append(scalar)
            if scalar == "'" { result.append(scalar) }
        }
        return String(result)
    }
}
