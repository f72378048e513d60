import NIOCore

/// Small helpers shared by the `/ws/Monitor` XML writers and readers.
enum MonitorXML {
    /// Appends `<name>text</name>` with the text escaped.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/unrepresentableText`` when the text holds a
    ///   character XML 1.0 cannot carry.
    static func append(_ name: String, _ text: String, to document: inout String) throws(DeviceCloudProtocolError) {
        guard let escaped = MonitorElementText.xmlEscaped(text) else {
            throw DeviceCloudProtocolError(
                .unrepresentableText,
                "\(name) holds a control character that XML cannot carry"
            )
        }
        document += "<\(name)>\(escaped)</\(name)>"
    }

    /// Like ``append(_:_:to:)``, replacing characters XML cannot carry with U+FFFD.
    /// Elements whose name is not a plain XML name are left out.
    static func appendReplacingInvalid(_ name: String, _ text: String, to document: inout String) {
        func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar)
        }
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
            name.unicodeScalars.allSatisfy(isNameCharacter)
        else { return }
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            cleaned.append(MonitorElementText.isXMLCharacter(scalar) ? scalar : "\u{FFFD}")
        }
        document += "<\(name)>\(MonitorElementText.xmlEscaped(String(cleaned)) ?? "")</\(name)>"
    }

    /// Parses `body` and checks the root element's name.
    static func root(_ body: ByteBuffer, named name: String) throws(DeviceCloudProtocolError) -> XMLElementNode {
        let document = try Self.withoutDeclaration(body)
        let root: XMLElementNode
        do {
            root = try XMLElementNode.parse(document)
        } catch {
            throw DeviceCloudProtocolError(.malformedDocument, "the XML is not well formed: \(error.message)")
        }
        guard root.name == name else {
            throw DeviceCloudProtocolError(.malformedDocument, "expected a <\(name)> document, found <\(root.name)>")
        }
        return root
    }

    /// The texts of an element's children by name (the last wins when a name repeats).
    static func childTexts(of node: XMLElementNode) -> [String: String] {
        var texts: [String: String] = [:]
        for child in node.children {
            texts[child.name] = child.text
        }
        return texts
    }

    /// The document without its XML declaration (the element reader takes none), re-encoded as
    /// UTF-8 when the declaration names ISO-8859-1, as some of the service's answers do.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/malformedDocument`` for another encoding, or a
    ///   declaration that does not end.
    static func withoutDeclaration(_ body: ByteBuffer) throws(DeviceCloudProtocolError) -> ByteBuffer {
        let bytes = body.readableBytesView
        guard bytes.starts(with: "<?xml".utf8) else { return body }
        guard let end = Self.firstIndex(of: "?>", in: bytes) else {
            throw DeviceCloudProtocolError(.malformedDocument, "the XML declaration does not end")
        }
        let declaration = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self).lowercased()
        let rest = bytes[(end + 2)...]
        guard let encodingRange = declaration.range(of: "encoding") else {
            return ByteBuffer(bytes: rest)
        }
        let encoding = declaration[encodingRange.upperBound...]
            .drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            .prefix { $0 != "\"" && $0 != "'" && $0 != " " }
        switch encoding {
        case "utf-8", "utf8", "us-ascii", "ascii":
            return ByteBuffer(bytes: rest)
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
            var scalars = String.UnicodeScalarView()
            for byte in rest {
                scalars.append(Unicode.Scalar(byte))
            }
            return ByteBuffer(string: String(scalars))
        default:
            throw DeviceCloudProtocolError(.malformedDocument, "unsupported XML encoding \"\(encoding)\"")
        }
    }

    private static func firstIndex(of marker: String, in bytes: ByteBufferView) -> Int? {
        let pattern = Array(marker.utf8)
        var index = bytes.startIndex
        while index + pattern.count <= bytes.endIndex {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}
