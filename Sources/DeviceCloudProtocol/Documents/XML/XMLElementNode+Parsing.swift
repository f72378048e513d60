// Building an ``XMLElementNode`` tree from the single element of an XML resource body, with
// ``XMLLexer`` checking well-formedness on the way.

import NIOCore

extension XMLElementNode {
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
