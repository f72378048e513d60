import DeviceCloudProtocol
import DeviceCloudServerSupport
import Foundation

/// Checks a request's `Authorization: Basic …` header against an HTTP monitor's transport
/// token (`username:password`), and a shared-secret header when one is configured, in time that
/// does not depend on where a guess differs.
///
/// Holds the secrets' bytes only; it is not printable and nothing logs it.
struct BasicAuthorization: Sendable {
    /// `username:password` as UTF-8, or `nil` when no token is configured.
    private let expected: [UInt8]?
    /// The shared-secret header's lower-cased name and value, or `nil`.
    private let headerSecret: (name: String, value: [UInt8])?

    init(token: Credentials?, headerSecret: HTTPReceiver.HeaderSecret? = nil) {
        self.expected = token.map { Array("\($0.username):\($0.password)".utf8) }
        self.headerSecret = headerSecret.map { ($0.name.lowercased(), Array($0.value.utf8)) }
    }

    /// Whether the header carries the token (always `true` when neither a token nor a header
    /// secret is configured).
    func admits(_ header: String?) -> Bool {
        self.admits(authorization: header, headerValue: { _ in nil })
    }

    /// Whether the request carries the token or the shared-secret header; `headerValue`
    /// gives a header's value by lower-cased name.
    func admits(authorization header: String?, headerValue: (String) -> String?) -> Bool {
        if self.expected == nil, self.headerSecret == nil { return true }
        if let expected = self.expected, let presented = Self.decodedCredentials(header),
            constantTimeEquals(presented, expected)
        {
            return true
        }
        if let secret = self.headerSecret, let presented = headerValue(secret.name) {
            return constantTimeEquals(Array(presented.utf8), secret.value)
        }
        return false
    }

    /// The decoded `username:password` bytes of a `Basic` header.
    static func decodedCredentials(_ header: String?) -> [UInt8]? {
        guard let header else { return nil }
        let scheme = "basic "
        guard header.utf8.count > scheme.utf8.count, header.prefix(scheme.count).lowercased() == scheme else { return nil }
        let encoded = header.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        guard let data = Data(base64Encoded: encoded) else { return nil }
        return Array(data)
    }
}
