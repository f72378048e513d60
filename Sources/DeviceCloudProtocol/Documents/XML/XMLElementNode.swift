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
}
