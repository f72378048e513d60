import DeviceCloud
import Foundation

/// Checks a request's `Authorization: Basic …` header against an HTTP monitor's transport
/// token (`username:password`), in time that does not depend on where a guess differs.
///
/// Holds the token's bytes only; it is not printable and nothing logs it.
struct BasicAuthorization: Sendable {
    /// `username:password` as UTF-8, or `nil` when no token is configured (every request passes).
    private let expected: [UInt8]?

    init(token: Credentials?) {
        self.expected = token.map { Array("\($0.username):\($0.password)".utf8) }
    }

    /// Whether the header carries the token (always `true` without a token).
    func admits(_ header: String?) -> Bool {
        guard let expected = self.expected else { return true }
        guard let presented = Self.decodedCredentials(header) else { return false }
        return Self.constantTimeEquals(presented, expected)
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

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let a = index < lhs.count ? lhs[index] : 0
            let b = index < rhs.count ? rhs[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && lhs.count == rhs.count
    }
}
