import Foundation

extension HTTPReceiver {
    /// A shared secret a delivery may carry in a header, e.g. `x-api-key: …`, the way Digi's
    /// cloud-function consumers authenticate an HTTP monitor's deliveries (the monitor sends it
    /// through `monTransportHeaders`). Printing it never shows the value.
    public struct HeaderSecret: Sendable, CustomStringConvertible {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
        /// The header's name, compared case-insensitively.
        public var name: String
        /// The secret. Never logged or printed.
        public var value: String

        /// Creates a header secret.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// The header name; never the value.
        public var description: String { "HeaderSecret(name: \(self.name), value: <redacted>)" }
    }
}
