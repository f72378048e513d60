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

// MARK: - Element tree

/// An XML element with its attributes, child elements and direct text.
struct XMLElementNode {
    /// The element name as written (with any prefix).
    var name: String
    /// Attributes in document order, values decoded.
    var attributes: [(name: String, value: String)] = []
    /// Child elements in document order.
    var children: [XMLElementNode] = []
    /// The element's own character data and CDATA, concatenated and decoded.
    var text: String = ""
    /// For elements with many children or attributes: the index of the first child and the
    /// first attribute of each name, so keyed lookups stay fast (see ``buildIndex()``).
    var index: (children: [String: Int], attributes: [String: Int])?

    /// No text, no children, no attributes.
    var isEmpty: Bool {
        self.text.isEmpty && self.children.isEmpty && self.attributes.isEmpty
    }

    /// The first child element named `name`.
    func child(named name: String) -> XMLElementNode? {
        if let index = self.index {
            return index.children[name].map { self.children[$0] }
        }
        return self.children.first { $0.name == name }
    }

    /// The value of the attribute named `name`.
    func attribute(named name: String) -> String? {
        if let index = self.index {
            return index.attributes[name].map { self.attributes[$0].value }
        }
        return self.attributes.first { $0.name == name }?.value
    }

    /// Indexes children and attributes by name once the element is complete, when there are
    /// enough of them for linear lookups to matter (decoding a dictionary asks once per key).
    mutating func buildIndex() {
        guard self.children.count + self.attributes.count > 16 else { return }
        var children: [String: Int] = [:]
        for (position, child) in self.children.enumerated() where children[child.name] == nil {
            children[child.name] = position
        }
        var attributes: [String: Int] = [:]
        for (position, attribute) in self.attributes.enumerated() where attributes[attribute.name] == nil {
            attributes[attribute.name] = position
        }
        self.index = (children, attributes)
    }

    /// Parses the single element in `body`. A byte order mark, an XML declaration, comments,
    /// processing instructions and whitespace may surround it.
    static func parse(_ body: ByteBuffer) throws(DeviceCloudProtocolError) -> XMLElementNode {
        let result = body.withUnsafeReadableBytes { bytes -> Result<XMLElementNode, DeviceCloudProtocolError> in
            var lexer = XMLLexer(bytes: bytes, context: "XML resource")
            do throws(DeviceCloudProtocolError) {
                return .success(try Self.parse(&lexer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(_ lexer: inout XMLLexer) throws(DeviceCloudProtocolError) -> XMLElementNode {
        try lexer.skipProlog()
        guard case .startTag(_, let rootName) = try lexer.nextContentToken() else {
            // `skipProlog` stops only at an element's `<`.
            throw lexer.malformed("expected an element", at: lexer.i)
        }
        var stack: [(node: XMLElementNode, name: Range<Int>)] = []
        var current = (node: XMLElementNode(name: lexer.string(rootName)), name: rootName)
        try Self.readAttributes(into: &current.node, &lexer)
        if lexer.tagSelfClosing {
            current.node.buildIndex()
        } else {
            content: while true {
                switch try lexer.nextContentToken() {
                case .text(let range, _):
                    current.node.text += lexer.text(range)
                case .cdata(let range):
                    current.node.text += lexer.cdataText(range)
                case .startTag(_, let name):
                    var child = XMLElementNode(name: lexer.string(name))
                    try Self.readAttributes(into: &child, &lexer)
                    if lexer.tagSelfClosing {
                        child.buildIndex()
                        current.node.children.append(child)
                    } else {
                        guard stack.count + 2 <= XMLDocumentScanner.maximumDepth else {
                            throw lexer.malformed(
                                "nesting deeper than \(XMLDocumentScanner.maximumDepth) levels",
                                at: name.lowerBound
                            )
                        }
                        stack.append(current)
                        current = (child, name)
                    }
                case .endTag(let name):
                    try lexer.checkEndTag(name, matches: current.name)
                    current.node.buildIndex()
                    guard var parent = stack.popLast() else { break content }
                    parent.node.children.append(current.node)
                    current = parent
                case .end:
                    throw lexer.malformed("element <\(current.node.name)> is not closed", at: lexer.end)
                }
            }
        }
        try lexer.skipEpilog()
        return current.node
    }

    private static func readAttributes(
        into node: inout XMLElementNode, _ lexer: inout XMLLexer
    ) throws(DeviceCloudProtocolError) {
        while let attribute = try lexer.nextAttribute() {
            node.attributes.append((lexer.string(attribute.name), lexer.attributeValue(attribute)))
        }
    }
}

// MARK: - Decoder

/// A coding key made from a string or an index.
struct XMLCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}

/// Scalars read from element text.
protocol XMLTextScalar: Decodable {
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
