/// A string token of the document: `bytes[open] == '"'`, `bytes[close] == '"'`.
struct StringToken {
    var open: Int
    var close: Int
    var escaped: Bool

    /// No token (a field that is absent or `null`).
    static let absent = StringToken(open: 0, close: -1, escaped: false)

    var isPresent: Bool { self.close >= 0 }
}
