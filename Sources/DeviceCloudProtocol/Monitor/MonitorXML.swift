import NIOCore

/// Small helpers shared by the `/ws/Monitor` XML writers and readers.
enum MonitorXML {
    /// Appends `<name>text</name>` with the text escaped.
    ///
    /// - Throws: ``MonitorProtocolError/Code/unrepresentableText`` when the text holds a
    ///   character XML 1.0 cannot carry.
    static func append(_ name: String, _ text: String, to document: inout String) throws(MonitorProtocolError) {
        guard let escaped = MonitorElementText.xmlEscaped(text) else {
            throw MonitorProtocolError(
                .unrepresentableText,
                "\(name) holds a control character that XML cannot carry"
            )
        }
        document += "<\(name)>\(escaped)</\(name)>"
    }

    /// Like ``append(_:_:to:)``, replacing characters XML cannot carry with U+FFFD.
    /// Elements whose name is not a plain XML name are left out.
    static func appendReplacingInvalid(_ name: String, _ text: String, to document: inout String) {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
            name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) })
        else { return }
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            cleaned.append(MonitorElementText.isXMLCharacter(scalar) ? scalar : "\u{FFFD}")
        }
        document += "<\(name)>\(MonitorElementText.xmlEscaped(String(cleaned)) ?? "")</\(name)>"
    }

    /// Parses `body` and checks the root element's name.
    static func root(_ body: ByteBuffer, named name: String) throws(MonitorProtocolError) -> XMLElementNode {
        let root: XMLElementNode
        do {
            root = try XMLElementNode.parse(Self.transcodingLatin1(body))
        } catch {
            throw MonitorProtocolError(.malformedDocument, "the XML is not well formed: \(error.message)")
        }
        guard root.name == name else {
            throw MonitorProtocolError(.malformedDocument, "expected a <\(name)> document, found <\(root.name)>")
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

    /// The service declares some answers `ISO-8859-1`; the XML reader takes UTF-8 only. Such a
    /// document is re-encoded as UTF-8 without its declaration; any other is returned as is.
    static func transcodingLatin1(_ body: ByteBuffer) -> ByteBuffer {
        let bytes = body.readableBytesView
        guard bytes.starts(with: "<?xml".utf8), let end = Self.firstIndex(of: "?>", in: bytes) else { return body }
        let declaration = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self).lowercased()
        guard declaration.contains("iso-8859-1") || declaration.contains("latin1") || declaration.contains("latin-1")
        else { return body }
        var scalars = String.UnicodeScalarView()
        for byte in bytes[(end + 2)...] {
            scalars.append(Unicode.Scalar(byte))
        }
        return ByteBuffer(string: String(scalars))
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
