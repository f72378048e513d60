/// Reads structured choices from a fuzz input, front to back, like LLVM's FuzzedDataProvider:
/// once the bytes run out every read returns zero or empty, so any input is usable.
public struct FuzzBytes {
    private let bytes: [UInt8]
    private var index = 0

    /// Reads from `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte has been read.
    public var isEmpty: Bool { self.index >= self.bytes.count }

    /// The next byte, or 0.
    public mutating func byte() -> UInt8 {
        guard self.index < self.bytes.count else { return 0 }
        defer { self.index += 1 }
        return self.bytes[self.index]
    }

    /// A number in `0..<bound` (bound > 0) from the next byte.
    public mutating func below(_ bound: Int) -> Int {
        Int(self.byte()) % bound
    }

    /// The next `count` bytes, or fewer at the end.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        let end = Swift.min(self.bytes.count, self.index + Swift.max(count, 0))
        defer { self.index = Swift.max(self.index, end) }
        return self.index < end ? Array(self.bytes[self.index..<end]) : []
    }

    /// A string from up to `maximumLength` bytes (length from the next byte), invalid UTF-8
    /// replaced.
    public mutating func string(maximumLength: Int) -> String {
        let count = self.below(maximumLength + 1)
        return String(decoding: self.bytes(count), as: UTF8.self)
    }

    /// The bytes not read yet.
    public mutating func rest() -> [UInt8] {
        self.bytes(self.bytes.count - self.index)
    }
}
