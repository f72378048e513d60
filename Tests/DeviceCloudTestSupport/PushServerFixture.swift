public import DeviceCloudSimulator
public import NIOSSL

/// The account the test push servers accept.
public enum TestAccount {
    /// User name accepted by test servers.
    public static let username = "tester"
    /// Password accepted by test servers.
    public static let password = "s3cret-Pa55"
}

/// Runs a push server on 127.0.0.1 (ephemeral port) for the duration of `body`.
public func withPushServer<Result: Sendable>(
    tls: TLSConfiguration? = nil,
    monitors: Set<UInt32> = [1],
    delegate: (any PushServerDelegate)? = nil,
    _ body: (PushServer) async throws -> Result
) async throws -> Result {
    let directory = delegate ?? StaticPushDirectory(username: TestAccount.username, password: TestAccount.password, monitors: monitors)
    let server = try await PushServer.bind(configuration: .init(tls: tls), delegate: directory)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        defer {
            server.shutDown()
            group.cancelAll()
        }
        return try await body(server)
    }
}
