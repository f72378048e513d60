#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A port on 127.0.0.1 whose listen queue is full and never accepted from: a TCP connect to it
/// hangs (the SYN is dropped and retransmitted), as a dial to an overloaded host does.
public func withUnansweredConnects<Result: Sendable>(_ body: (_ port: Int) async throws -> Result) async throws -> Result {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listener >= 0 else { throw TestSocketError(step: "socket") }
    defer { close(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
    }
    guard bound == 0, listen(listener, 0) == 0 else { throw TestSocketError(step: "bind/listen") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    guard named == 0 else { throw TestSocketError(step: "getsockname") }
    // Fill the accept queue (backlog 0 admits one) so that every later SYN is dropped.
    var fillers: [Int32] = []
    defer { fillers.forEach { _ = close($0) } }
    for _ in 0..<3 {
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard filler >= 0 else { throw TestSocketError(step: "filler socket") }
        fillers.append(filler)
        _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
    return try await body(Int(UInt16(bigEndian: address.sin_port)))
}

/// A system call of a test server failed.
public struct TestSocketError: Error, CustomStringConvertible {
    /// The call that failed.
    public let step: String
    public var description: String { "\(self.step) failed" }
}
