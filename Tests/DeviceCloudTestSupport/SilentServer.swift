import NIOCore
import NIOPosix

/// A TCP server on 127.0.0.1 that accepts connections and never answers: a service gone silent.
public func withSilentServer<Result: Sendable>(_ body: (_ port: Int) async throws -> Result) async throws -> Result {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelOption(.autoRead, value: false)
        .bind(host: "127.0.0.1", port: 0)
        .get()
    defer { server.close(promise: nil) }
    return try await body(server.localAddress?.port ?? 0)
}
