/// A string token of the document: `bytes[open] == '"'`, `bytes[close] == '"'`.
struct StringToken {
    /// The index of the opening quote.
    var open: Int
    /// The index of the closing quote; -1 when absent.
    var close: Int
    /// Whether the string contains escapes, so its String must be decoded.
    var escaped: Bool

    /// No token (a field that is absent or `null`).
    static let absent = StringToken(open: 0, close: -1, escaped: false)

    /// Whether there is a token (the field was present and not `null`).
    var isPresent: Bool { self.close >= 0 }
}
