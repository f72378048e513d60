extension MonitorCondition {
    /// The longest condition text read, in UTF-8 bytes.
    public static let maximumParsedLength = 16_384
    /// The deepest nesting of parentheses read.
    public static let maximumParsedDepth = 32

    /// Reads a condition in the service's grammar.
    ///
    /// Grammar: comparisons `field='value'`, `field<'value'`, `field>'value'` and
    /// `field like 'pattern'`, joined by `and` and `or` (`and` binds more tightly), with
    /// optional parentheses. Keywords are case-insensitive; blanks around operators are
    /// optional. A value is single-quoted, a quote inside it written twice (`'O''Brien'`).
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/malformedCondition`` for anything else: an
    ///   unbalanced quote or parenthesis, a missing operator or value, trailing text, or input
    ///   beyond ``maximumParsedLength`` or ``maximumParsedDepth``.
    public init(parsing text: String) throws(DeviceCloudProtocolError) {
        guard text.utf8.count <= Self.maximumParsedLength else {
            throw DeviceCloudProtocolError(.malformedCondition, "the condition is longer than \(Self.maximumParsedLength) bytes")
        }
        var parser = MonitorConditionParser(bytes: Array(text.utf8))
        self = try parser.parseCondition()
    }
}

/// A recursive-descent reader of the condition grammar over UTF-8 bytes.
struct MonitorConditionParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseCondition() throws(DeviceCloudProtocolError) -> MonitorCondition {
        let condition = try self.parseOr()
        self.skipBlanks()
        guard self.index == self.bytes.count else {
            throw self.error(self.peek() == UInt8(ascii: ")") ? "a ')' without its '('" : "unexpected text")
        }
        return condition
    }

    private mutating func parseOr() throws(DeviceCloudProtocolError) -> MonitorCondition {
        var condition = try self.parseAnd()
        while self.consumeKeyword("or") {
            condition = .or(condition, try self.parseAnd())
        }
        return condition
    }

    private mutating func parseAnd() throws(DeviceCloudProtocolError) -> MonitorCondition {
        var condition = try self.parsePrimary()
        while self.consumeKeyword("and") {
            condition = .and(condition, try self.parsePrimary())
        }
        return condition
    }

    private mutating func parsePrimary() throws(DeviceCloudProtocolError) -> MonitorCondition {
        self.skipBlanks()
        if self.peek() == UInt8(ascii: "(") {
            guard self.depth < MonitorCondition.maximumParsedDepth else {
                throw self.error("more than \(MonitorCondition.maximumParsedDepth) levels of parentheses")
            }
            self.index += 1
            self.depth += 1
            let inner = try self.parseOr()
            self.skipBlanks()
            guard self.peek() == UInt8(ascii: ")") else { throw self.error("a '(' without its ')'") }
            self.index += 1
            self.depth -= 1
            return inner
        }
        let field = try self.parseFieldName()
        self.skipBlanks()
        let comparison: MonitorComparisonOperator
        switch self.peek() {
        case UInt8(ascii: "="):
            comparison = .equal
            self.index += 1
        case UInt8(ascii: "<"):
            comparison = .lessThan
            self.index += 1
        case UInt8(ascii: ">"):
            comparison = .greaterThan
            self.index += 1
        default:
            guard self.consumeKeyword("like") else {
                throw self.error("expected =, <, > or like after \(field)")
            }
            comparison = .like
        }
        self.skipBlanks()
        return .comparison(field, comparison, try self.parseQuotedValue())
    }

    private mutating func parseFieldName() throws(DeviceCloudProtocolError) -> MonitorFieldName {
        let start = self.index
        guard let first = self.peek(), MonitorFieldName.isIdentifierStart(first) else {
            throw self.error(self.index == self.bytes.count ? "expected a field name, found the end" : "expected a field name")
        }
        self.index += 1
        while let byte = self.peek(), MonitorFieldName.isIdentifierContinuation(byte) {
            self.index += 1
        }
        return MonitorFieldName(unchecked: String(decoding: self.bytes[start..<self.index], as: UTF8.self))
    }

    /// `'…'` with `''` standing for one quote.
    private mutating func parseQuotedValue() throws(DeviceCloudProtocolError) -> String {
        guard self.peek() == UInt8(ascii: "'") else {
            throw self.error("expected a single-quoted value")
        }
        let opening = self.index
        self.index += 1
        var value: [UInt8] = []
        while true {
            guard let byte = self.peek() else {
                throw DeviceCloudProtocolError(
                    .malformedCondition,
                    "the quote opened at offset \(opening) is never closed"
                )
            }
            self.index += 1
            if byte == UInt8(ascii: "'") {
                guard self.peek() == UInt8(ascii: "'") else { break }
                self.index += 1
            }
            value.append(byte)
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// Consumes blanks and then `keyword` (any case) when a word boundary follows it.
    private mutating func consumeKeyword(_ keyword: String) -> Bool {
        let saved = self.index
        self.skipBlanks()
        let letters = Array(keyword.utf8)
        guard self.index + letters.count <= self.bytes.count else {
            self.index = saved
            return false
        }
        for (offset, letter) in letters.enumerated() where self.bytes[self.index + offset] | 0x20 != letter {
            self.index = saved
            return false
        }
        let end = self.index + letters.count
        if end < self.bytes.count, MonitorFieldName.isIdentifierContinuation(self.bytes[end]) {
            self.index = saved
            return false
        }
        self.index = end
        return true
    }

    private mutating func skipBlanks() {
        while let byte = self.peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            self.index += 1
        }
    }

    private func peek() -> UInt8? {
        self.index < self.bytes.count ? self.bytes[self.index] : nil
    }

    private func error(_ what: String) -> DeviceCloudProtocolError {
        DeviceCloudProtocolError(.malformedCondition, "\(what) at offset \(self.index) of the condition")
    }
}
