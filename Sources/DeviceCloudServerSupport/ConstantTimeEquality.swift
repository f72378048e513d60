/// Compares two byte strings in time that depends only on their lengths, not on where they
/// differ: how both servers check a password, a token or an API key secret.
package func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
    for index in 0..<max(lhs.count, rhs.count) {
        let a = index < lhs.count ? lhs[index] : 0
        let b = index < rhs.count ? rhs[index] : 0
        difference |= a ^ b
    }
    return difference == 0 && lhs.count == rhs.count
}

/// Compares the UTF-8 bytes of two strings in constant time (see the byte version).
package func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    constantTimeEquals(Array(lhs.utf8), Array(rhs.utf8))
}
