/// A setting given to a public initialiser is out of range (a negative size, a multiplier below
/// one, a jitter outside 0...1, a time that is not finite).
///
/// Thrown instead of stopping the process, so a value read from a command line or a file becomes
/// a clear message.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the setting.
    public var message: String

    /// Creates an error with a message naming the setting.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "invalid configuration: \(self.message)" }
}
