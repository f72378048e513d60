public import Foundation

/// One page of a v1 web service's list, in the service's envelope:
/// `{"count": 2, "size": 1000, "cursor": "…", "next_uri": "…", "list": [ … ]}`.
///
/// A page without a `cursor` (or with an empty one) is the last. Numbers sent as strings are
/// read too; unknown envelope fields are ignored. Each entry of `list` is kept as its own JSON
/// text, for the caller to read as a monitor or an event.
public struct V1ListPage: Sendable, Hashable {
    /// `count`: the entries on this page.
    public var count: Int?
    /// `size`: the page size asked for.
    public var size: Int?
    /// `cursor`: where the next page starts; `nil` on the last page.
    public var cursor: String?
    /// `next_uri`: the next page's address, as the service gives it.
    public var nextURI: String?
    /// The entries of `list`, each as JSON.
    public var list: [Data]

    /// Creates a page.
    public init(count: Int? = nil, size: Int? = nil, cursor: String? = nil, nextURI: String? = nil, list: [Data] = []) {
        self.count = count
        self.size = size
        self.cursor = cursor
        self.nextURI = nextURI
        self.list = list
    }

    /// Whether this is the last page.
    public var isLast: Bool { (self.cursor ?? "").isEmpty }

    /// Reads a page.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/malformedDocument`` when `data` is not a JSON
    ///   object or its `list` is not an array.
    public init(json data: Data) throws(DeviceCloudProtocolError) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw DeviceCloudProtocolError(.malformedDocument, "a v1 list must be a JSON object")
        }
        let entries: [Any]
        switch object["list"] {
        case nil, is NSNull: entries = []
        case let array as [Any]: entries = array
        default: throw DeviceCloudProtocolError(.malformedDocument, "the v1 list's \"list\" must be an array")
        }
        self.init(
            count: Self.integer(object["count"]),
            size: Self.integer(object["size"]),
            cursor: Self.text(object["cursor"]),
            nextURI: Self.text(object["next_uri"]),
            list: entries.compactMap {
                try? JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed, .withoutEscapingSlashes])
            }
        )
    }

    /// The page in the service's envelope; entries are written as given.
    public func jsonDocument() -> Data {
        var text = "{"
        if let count = self.count { text += "\"count\":\(count)," }
        if let size = self.size { text += "\"size\":\(size)," }
        if let cursor = self.cursor { text += "\"cursor\":\(Self.quoted(cursor))," }
        if let nextURI = self.nextURI { text += "\"next_uri\":\(Self.quoted(nextURI))," }
        text += "\"list\":["
        var data = Data(text.utf8)
        for (index, entry) in self.list.enumerated() {
            if index > 0 { data.append(UInt8(ascii: ",")) }
            data.append(entry)
        }
        data.append(contentsOf: Array("]}".utf8))
        return data
    }

    private static func quoted(_ text: String) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func integer(_ value: Any?) -> Int? {
        if let number = value as? Int { return number }
        if let text = value as? String { return Int(text) }
        return nil
    }

    private static func text(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        return nil
    }
}
