/// A request's query string decoded as a servlet container decodes it: pairs split on `&`,
/// name and value split on the first `=`, `+` read as a space, then `%XX` sequences decoded as
/// UTF-8.
///
/// Every simulator route reads its parameters through this type, so a client that form-encodes
/// (`condition=monTopic+like+%27DataPoint%25%27`) and one that percent-encodes spaces (`%20`)
/// are understood alike. A malformed `%` sequence is kept as written, as Tomcat's lenient mode does.
struct FormQuery: Sendable {
    private let pairs: [(name: String, value: String)]

    /// Parses the raw query (the part after `?`, without it); `nil` is an empty query.
    init(_ raw: String?) {
        guard let raw, !raw.isEmpty else {
            self.pairs = []
            return
        }
        self.pairs = raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            guard let equals = pair.firstIndex(of: "=") else {
                return (Self.decode(pair), "")
            }
            return (Self.decode(pair[..<equals]), Self.decode(pair[pair.index(after: equals)...]))
        }
    }

    /// The first value of `name`, or `nil` when the query does not name it.
    func get(_ name: String) -> String? {
        self.pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    func all(_ name: String) -> [String] {
        self.pairs.filter { $0.name == name }.map(\.value)
    }

    /// `+` as a space, then percent-decoding of the UTF-8 bytes.
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
                index += 1
            } else if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = Self.hexValue(utf8[index + 1]), let low = Self.hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
