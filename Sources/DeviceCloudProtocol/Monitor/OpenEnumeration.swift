/// A monitor element whose values form an open set: the values this library knows are static
/// constants, and any other text the service sends is kept, exactly as sent.
///
/// A conforming type stores the text (`rawValue`), names its known values and lists them in
/// ``recognized``; reading and writing the element's text come from here. Compare with `==`
/// against the constants (`record.format == .json`), and switch with a `default` for the values
/// this library does not know (``isRecognized`` is `false` for those).
public protocol OpenEnumeration: Sendable, Hashable, RawRepresentable, CustomStringConvertible where RawValue == String {
    /// Every value this library knows, each spelled as the service writes it.
    static var recognized: [Self] { get }

    /// Wraps `text` as it is, without matching it to a known value (see ``init(rawValue:)``).
    init(verbatim text: String)
}

extension OpenEnumeration {
    /// Reads the element's text: a known value matches case-insensitively and is spelled as the
    /// service writes it; any other text is kept exactly as sent.
    public init(rawValue: String) {
        let lowered = rawValue.lowercased()
        self = Self.recognized.first { $0.rawValue.lowercased() == lowered } ?? Self(verbatim: rawValue)
    }

    /// A value this library does not know, exactly as sent.
    public static func unrecognized(_ text: String) -> Self {
        Self(verbatim: text)
    }

    /// Whether the value is one this library knows (one of ``recognized``).
    public var isRecognized: Bool {
        Self.recognized.contains(self)
    }

    /// The element's text, as `rawValue`.
    public var description: String { self.rawValue }
}
