// The errors of ``JSONCursor``: the problems its hot paths report as small codes, and the
// `.malformedDocument` errors they become, with the byte offset and the byte found there.

extension JSONCursor {
    /// What the hot paths report; turned into a message only when thrown.
    enum Problem: UInt8 {
        case controlCharacterInString
        case invalidUTF8InString
        case invalidEscape
        case invalidUnicodeEscape
        case unpairedHighSurrogate
        case unpairedLowSurrogate
        case invalidNumber
        case missingFractionDigits
        case missingExponentDigits
        case invalidLiteral
        case expectedValue
        case expectedKey
        case expectedColon
        case expectedCommaOrBrace
        case expectedCommaOrBracket
        case tooDeep

        var text: String {
            switch self {
            case .controlCharacterInString: "unescaped control character in string"
            case .invalidUTF8InString: "invalid UTF-8 in string"
            case .invalidEscape: "invalid escape sequence"
            case .invalidUnicodeEscape: "expected four hex digits in \\u escape"
            case .unpairedHighSurrogate: "high surrogate escape not followed by a low surrogate escape"
            case .unpairedLowSurrogate: "unpaired low surrogate escape"
            case .invalidNumber: "invalid number"
            case .missingFractionDigits: "expected a digit after the decimal point"
            case .missingExponentDigits: "expected a digit in the exponent"
            case .invalidLiteral: "invalid literal"
            case .expectedValue: "expected a JSON value"
            case .expectedKey: "expected a string key"
            case .expectedColon: "expected ':' after object key"
            case .expectedCommaOrBrace: "expected ',' or '}' in object"
            case .expectedCommaOrBracket: "expected ',' or ']' in array"
            case .tooDeep: "nesting deeper than \(JSONDocumentScanner.maximumDepth) levels"
            }
        }
    }

    /// The error for `problem` found at byte `i`.
    @inline(never)
    func fail(_ problem: Problem, at i: Int) -> DeviceCloudProtocolError {
        self.malformed(problem.text, at: i)
    }

    /// A `.malformedDocument` error saying `what` went wrong at byte `i` and which byte is there
    /// (or that the input ended).
    @inline(never)
    func malformed(_ what: String, at i: Int) -> DeviceCloudProtocolError {
        .malformedDocument("JSON document", what, at: i, end: self.end, found: i < self.end ? self.bytes[i] : nil)
    }

    /// A `.malformedDocument` error about the whole `Msg` entry that starts at byte `i`.
    @inline(never)
    func malformedEntry(_ what: String, entryAt i: Int) -> DeviceCloudProtocolError {
        DeviceCloudProtocolError(.malformedDocument, "JSON document: the Msg entry at byte \(i) \(what)")
    }
}
