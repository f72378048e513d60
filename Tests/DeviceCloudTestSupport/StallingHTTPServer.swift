import NIOCore
import NIOPosix

/// An HTTP server on 127.0.0.1 that answers every request with a status line and headers
/// promising a body (`Content-Length: 1000`), sends a few bytes of it, and then goes silent
/// without closing: the stall a whole-request deadline must catch.
///
/// `body` gets the port; the server stops when it returns.
public func withStallingHTTPServer<Result: Sendable>(_ body: (_ port: Int) async throws -> Result) async throws -> Result {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .bind(host: "127.0.0.1", port: 0) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    let port = server.channel.localAddress?.port ?? 0
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { connectionsGroup in
                    for try await connection in connections {
                        connectionsGroup.addTask {
                            try? await stall(connection)
                        }
                    }
                }
            }
        }
        defer { group.cancelAll() }
        return try await body(port)
    }
}

/// Reads one request head, answers with headers and part of the body, then waits to be cancelled.
private func stall(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
    try await connection.executeThenClose { inbound, outbound in
        var received = ByteBuffer()
        var answered = false
        for try await var chunk in inbound {
            received.writeBuffer(&chunk)
            if !answered, received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) != nil {
                answered = true
                try await outbound.write(
                    ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"partial\":")
                )
            }
        }
        // The client closed: nothing more to do.
    }
}
