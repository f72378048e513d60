/// Scalars read from element text.
protocol XMLTextScalar: Decodable {
    /// Reads the value from an element's text, or returns `nil` when the text does not spell one.
    init?(xmlText: String)
}

extension XMLTextScalar where Self: FixedWidthInteger {
    init?(xmlText: String) {
        self.init(xmlText.trimmingXMLWhitespace(), radix: 10)
    }
}

extension Int: XMLTextScalar {}
extension Int8: XMLTextScalar {}
extension Int16: XMLTextScalar {}
extension Int32: XMLTextScalar {}
extension Int64: XMLTextScalar {}
extension UInt: XMLTextScalar {}
extension UInt8: XMLTextScalar {}
extension UInt16: XMLTextScalar {}
extension UInt32: XMLTextScalar {}
extension UInt64: XMLTextScalar {}

extension Double: XMLTextScalar {
    init?(xmlText: String) {
        let trimmed = xmlText.trimmingXMLWhitespace()
        // Decimal notation only: rejects "nan", "inf", hexadecimal floats.
        guard !trimmed.isEmpty,
            trimmed.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 | 0x20 == 0x65
            }),
            let value = Double(trimmed), value.isFinite
        else { return nil }
        self = value
    }
}

extension Float: XMLTextScalar {
    init?(xmlText: String) {
        guard let value = Double(xmlText: xmlText), Float(value).isFinite else { return nil }
        self = Float(value)
    }
}

extension Bool: XMLTextScalar {
    init?(xmlText: String) {
        switch xmlText.trimmingXMLWhitespace() {
        case "true", "1": self = true
        case "false", "0": self = false
        default: return nil
        }
    }
}
