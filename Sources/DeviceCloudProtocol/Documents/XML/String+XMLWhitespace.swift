// XML whitespace trimming, for the scalars read from element text and the resource types that
// read text themselves.

extension String {
    /// The string without leading and trailing XML whitespace (space, tab, CR, LF).
    func trimmingXMLWhitespace() -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = self.firstIndex(where: { !isWhitespace($0) }),
            let last = self.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return self[first...last]
    }
}
