import NIOCore
import NIOPosix

/// An HTTP server on 127.0.0.1 that answers every request with a status line and headers
/// promising a body (`Content-Length: 1000`), sends a few bytes of it, and then goes silent
/// without closing: the stall a whole-request deadline must catch.
///
/// `body` gets the port; the server stops when it returns.
public func withStallingHTTPServer<Result: Sendable>(_ body: (_ port: Int) async throws -> Result) async throws -> Result {
    try await withScriptedHTTPServer(
        answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"partial\":",
        answersEveryRequest: false,
        body
    )
}

/// An HTTP server on 127.0.0.1 that answers every request with 503 at once: a customer server
/// that is down, for HTTP monitors.
public func withFailingHTTPServer<Result: Sendable>(_ body: (_ port: Int) async throws -> Result) async throws -> Result {
    try await withScriptedHTTPServer(
        answer: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
        answersEveryRequest: true,
        body
    )
}

/// A server that writes `answer` once a request head has arrived: for every request, or for
/// the first of each connection only (and then stays silent).
private func withScriptedHTTPServer<Result: Sendable>(
    answer: String,
    answersEveryRequest: Bool,
    _ body: (_ port: Int) async throws -> Result
) async throws -> Result {
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
                            try? await serve(connection, answer: answer, answersEveryRequest: answersEveryRequest)
                        }
                    }
                }
            }
        }
        defer { group.cancelAll() }
        return try await body(port)
    }
}

/// Answers request heads as they arrive (each, or only the first), until the client closes or
/// the task is cancelled. Request bodies are not framed: the answer goes at each blank line.
private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, answer: String, answersEveryRequest: Bool) async throws {
    try await connection.executeThenClose { inbound, outbound in
        var received = ByteBuffer()
        var answered = false
        for try await var chunk in inbound {
            received.writeBuffer(&chunk)
            while !answered || answersEveryRequest,
                let end = received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8))
            {
                answered = true
                received.moveReaderIndex(to: end.upperBound)
                try await outbound.write(ByteBuffer(string: answer))
            }
            received.discardReadBytes()
        }
        // The client closed: nothing more to do.
    }
}
