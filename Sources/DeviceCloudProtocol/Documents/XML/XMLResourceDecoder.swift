import Foundation
import NIOCore

/// Decodes `Decodable` values from an XML resource element such as
/// `<DataPoint><streamId>test</streamId><data>0.41</data></DataPoint>`.
///
/// Mapping:
/// - A keyed value is the first child element with the key's name, or else the attribute of
///   that name. Unknown children and attributes are ignored.
/// - A scalar is the element's text (references decoded, CDATA included, comments dropped).
///   `String` keeps the text exactly; numbers and `Bool` are read from the text with
///   surrounding whitespace removed (`Bool` accepts `true`/`false`/`1`/`0`; floating-point
///   values must be finite decimal numbers).
/// - An optional is `nil` when its element is absent, or present but empty (no text, no
///   children, no attributes) — except `String?`, for which an empty element is `""`.
/// - An array (unkeyed container) iterates the child elements of its element, in order,
///   whatever their names: `<tags><tag>a</tag><tag>b</tag></tags>` decodes as `["a", "b"]`.
/// - `Date` is read from an ISO-8601 timestamp (`2015-06-14T18:37:27.815Z`, offset optional,
///   UTC assumed without one) or from an integer number of milliseconds since 1970.
///   `Data` is read from Base64 text.
struct XMLResourceDecoder {
    /// Decodes `type` from the XML element in `body`.
    ///
    /// - Throws: ``DeviceCloudProtocolError`` with code ``DeviceCloudProtocolError/Code/unsupportedResourceDecoding``
    ///   when the body is not a well-formed element or does not fit `type`.
    func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws(DeviceCloudProtocolError) -> T {
        let root: XMLElementNode
        do {
            root = try XMLElementNode.parse(body)
        } catch {
            throw DeviceCloudProtocolError(.unsupportedResourceDecoding, "the XML body is not well formed: \(error.message)")
        }
        do {
            return try XMLElementDecoder(node: root, codingPath: []).decodeValue(T.self)
        } catch {
            throw DeviceCloudProtocolError(
                .unsupportedResourceDecoding,
                "cannot decode \(T.self) from the XML <\(root.name)>: "
                    + ResourceDecodingErrorDescription.describe(error)
            )
        }
    }
}

// MARK: - Decoder

/// The `Decoder` over one element.
private struct XMLElementDecoder: Decoder {
    let node: XMLElementNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(XMLKeyedContainer<Key>(node: self.node, codingPath: self.codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        XMLUnkeyedContainer(node: self.node, codingPath: self.codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        XMLSingleValueContainer(node: self.node, codingPath: self.codingPath)
    }

    /// Decodes `type` from this element, handling the types with an XML text form.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            guard let date = ResourceTimestamp.date(fromText: self.node.text) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: self.codingPath,
                        debugDescription:
                            "expected an ISO-8601 timestamp or epoch milliseconds, found \"\(self.node.text)\""
                    )
                )
            }
            return try Self.cast(date, to: T.self, codingPath: self.codingPath)
        }
        if T.self == Data.self {
            guard
                let data = Data(
                    base64Encoded: String(self.node.text.trimmingXMLWhitespace()),
                    options: .ignoreUnknownCharacters
                )
            else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: self.codingPath, debugDescription: "invalid Base64 text"))
            }
            return try Self.cast(data, to: T.self, codingPath: self.codingPath)
        }
        if T.self == Decimal.self {
            guard let decimal = Decimal(string: String(self.node.text.trimmingXMLWhitespace()), locale: nil) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: self.codingPath, debugDescription: "invalid decimal number"))
            }
            return try Self.cast(decimal, to: T.self, codingPath: self.codingPath)
        }
        return try T(from: self)
    }

    static func cast<T>(_ value: Any, to type: T.Type, codingPath: [any CodingKey]) throws -> T {
        guard let typed = value as? T else {
            throw DecodingError.typeMismatch(
                T.self, .init(codingPath: codingPath, debugDescription: "internal type mismatch"))
        }
        return typed
    }
}

/// Reads a scalar of type `T` from an element's text.
private func scalar<T: XMLTextScalar>(
    _ type: T.Type, from node: XMLElementNode, codingPath: [any CodingKey]
) throws -> T {
    guard let value = T(xmlText: node.text) else {
        throw DecodingError.typeMismatch(
            T.self,
            .init(codingPath: codingPath, debugDescription: "cannot read \(T.self) from the text \"\(node.text)\"")
        )
    }
    return value
}

private struct XMLKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: XMLElementNode
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        var seen = Set<String>()
        var keys: [Key] = []
        for name in self.node.children.map(\.name) + self.node.attributes.map(\.name) where seen.insert(name).inserted {
            if let key = Key(stringValue: name) { keys.append(key) }
        }
        return keys
    }

    func contains(_ key: Key) -> Bool {
        self.node.child(named: key.stringValue) != nil || self.node.attribute(named: key.stringValue) != nil
    }

    /// The element for `key`: a child element, or an attribute as a text-only element.
    func element(_ key: Key) -> XMLElementNode? {
        if let child = self.node.child(named: key.stringValue) { return child }
        if let value = self.node.attribute(named: key.stringValue) {
            return XMLElementNode(name: key.stringValue, text: value)
        }
        return nil
    }

    func require(_ key: Key) throws -> XMLElementNode {
        guard let element = self.element(key) else {
            throw DecodingError.keyNotFound(
                key,
                .init(
                    codingPath: self.codingPath,
                    debugDescription: "no element or attribute named \"\(key.stringValue)\"")
            )
        }
        return element
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let element = self.element(key) else { return true }
        return element.isEmpty && self.node.child(named: key.stringValue) != nil
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        self.element(key)?.text
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try self.require(key).text
    }

    private func decodeScalar<T: XMLTextScalar>(_ type: T.Type, _ key: Key) throws -> T {
        try scalar(T.self, from: self.require(key), codingPath: self.codingPath + [key])
    }

    // KeyedDecodingContainerProtocol wants one overload per scalar type; each forwards to decodeScalar.
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try self.decodeScalar(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try self.decodeScalar(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try self.decodeScalar(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.decodeScalar(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.decodeScalar(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.decodeScalar(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.decodeScalar(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.decodeScalar(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.decodeScalar(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.decodeScalar(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try self.decodeScalar(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try self.decodeScalar(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try self.decodeScalar(type, key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try XMLElementDecoder(node: self.require(key), codingPath: self.codingPath + [key]).decodeValue(T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(
            XMLKeyedContainer<NestedKey>(node: try self.require(key), codingPath: self.codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        XMLUnkeyedContainer(node: try self.require(key), codingPath: self.codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        XMLElementDecoder(node: self.node, codingPath: self.codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        XMLElementDecoder(node: try self.require(key), codingPath: self.codingPath + [key])
    }
}

private struct XMLUnkeyedContainer: UnkeyedDecodingContainer {
    let node: XMLElementNode
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(node: XMLElementNode, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    var count: Int? { self.node.children.count }
    var isAtEnd: Bool { self.currentIndex >= self.node.children.count }

    private mutating func next() throws -> (XMLElementNode, [any CodingKey]) {
        guard !self.isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self,
                .init(
                    codingPath: self.codingPath + [XMLCodingKey(intValue: self.currentIndex)],
                    debugDescription: "no more child elements"
                )
            )
        }
        let element = self.node.children[self.currentIndex]
        let path = self.codingPath + [XMLCodingKey(intValue: self.currentIndex)]
        self.currentIndex += 1
        return (element, path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !self.isAtEnd, self.node.children[self.currentIndex].isEmpty else { return false }
        self.currentIndex += 1
        return true
    }

    mutating func decode(_ type: String.Type) throws -> String { try self.next().0.text }

    private mutating func decodeScalar<T: XMLTextScalar>(_ type: T.Type) throws -> T {
        let (element, path) = try self.next()
        return try scalar(T.self, from: element, codingPath: path)
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try self.decodeScalar(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try self.decodeScalar(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try self.decodeScalar(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try self.decodeScalar(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try self.decodeScalar(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try self.decodeScalar(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try self.decodeScalar(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try self.decodeScalar(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try self.decodeScalar(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try self.decodeScalar(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try self.decodeScalar(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try self.decodeScalar(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try self.decodeScalar(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (element, path) = try self.next()
        return try XMLElementDecoder(node: element, codingPath: path).decodeValue(T.self)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let (element, path) = try self.next()
        return KeyedDecodingContainer(XMLKeyedContainer<NestedKey>(node: element, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (element, path) = try self.next()
        return XMLUnkeyedContainer(node: element, codingPath: path)
    }

    mutating func superDecoder() throws -> any Decoder {
        let (element, path) = try self.next()
        return XMLElementDecoder(node: element, codingPath: path)
    }
}

private struct XMLSingleValueContainer: SingleValueDecodingContainer {
    let node: XMLElementNode
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { self.node.isEmpty }
    func decode(_ type: String.Type) throws -> String { self.node.text }

    private func decodeScalar<T: XMLTextScalar>(_ type: T.Type) throws -> T {
        try scalar(T.self, from: self.node, codingPath: self.codingPath)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try self.decodeScalar(type) }
    func decode(_ type: Double.Type) throws -> Double { try self.decodeScalar(type) }
    func decode(_ type: Float.Type) throws -> Float { try self.decodeScalar(type) }
    func decode(_ type: Int.Type) throws -> Int { try self.decodeScalar(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try self.decodeScalar(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try self.decodeScalar(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try self.decodeScalar(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try self.decodeScalar(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try self.decodeScalar(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try self.decodeScalar(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try self.decodeScalar(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try self.decodeScalar(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try self.decodeScalar(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try XMLElementDecoder(node: self.node, codingPath: self.codingPath).decodeValue(T.self)
    }
}
