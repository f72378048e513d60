import Foundation
public import NIOCore
import NIOPosix
public import NIOSSL
import Synchronization

/// A client connection to 127.0.0.1 that writes exactly the bytes a test gives it, when the test
/// says so: a slow or hostile client, real HTTP bytes over a real socket.
///
/// It reads the status of each response as it arrives (responses with a `Content-Length` body
/// or none), and knows when the server closed the connection.
public struct RawHTTPConnection: Sendable {
    /// The connection closed before the awaited response arrived.
    public struct ClosedBeforeResponse: Error {}

    /// The client's channel.
    public let channel: any Channel
    private let responses: ResponseQueue

    /// Connects to the receiver's port on 127.0.0.1, over TLS (to `localhost`) when `tls` is set.
    public static func open(port: Int, tls: NIOSSLContext? = nil) async throws -> RawHTTPConnection {
        let responses = ResponseQueue()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: "localhost"))
                    }
                    try channel.pipeline.syncOperations.addHandler(ResponseStatusReader(responses))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawHTTPConnection(channel: channel, responses: responses)
    }

    /// Writes `text` as it is.
    public func send(_ text: String) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Starts writing `bytes` without waiting for them to be sent: a client pushing a body as
    /// fast as the server reads it (or not at all, when it stops reading).
    public func startSending(_ bytes: ByteBuffer) {
        self.channel.writeAndFlush(bytes, promise: nil)
    }

    /// The status code of the next response; throws ``ClosedBeforeResponse`` when the
    /// connection closes first.
    public func nextStatus() async throws -> Int {
        try await self.responses.next()
    }

    /// Returns once the connection is closed (by the server: this client only closes in
    /// ``close()``).
    public func waitUntilClosed() async throws {
        try await self.channel.closeFuture.get()
    }

    /// Whether the connection is still open.
    public var isOpen: Bool { self.channel.isActive }

    /// Closes the connection (after the TLS close handshake, over TLS).
    public func close() async {
        try? await self.channel.close()
    }
}

/// A request head as a monitor sends it, and as a slow client begins one.
public func rawDeliveryHead(contentLength: Int, authorization: String?, path: String = "/push") -> String {
    var head = "PUT \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(contentLength)\r\n"
    if let authorization { head += "Authorization: \(authorization)\r\n" }
    return head + "\r\n"
}

/// Response statuses in arrival order, and the waits for them.
private final class ResponseQueue: Sendable {
    private struct State {
        var statuses: [Int] = []
        var waiters: [CheckedContinuation<Int, any Error>] = []
        var closed = false
    }

    private let state = Mutex(State())

    func append(_ status: Int) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Int, any Error>? in
            guard state.waiters.isEmpty else { return state.waiters.removeFirst() }
            state.statuses.append(status)
            return nil
        }
        waiter?.resume(returning: status)
    }

    func close() {
        let waiters = self.state.withLock { state in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: RawHTTPConnection.ClosedBeforeResponse()) }
    }

    func next() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready = self.state.withLock { state -> Result<Int, any Error>? in
                if !state.statuses.isEmpty { return .success(state.statuses.removeFirst()) }
                if state.closed { return .failure(RawHTTPConnection.ClosedBeforeResponse()) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

/// Splits the bytes a server sends into responses and reports each one's status.
private final class ResponseStatusReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let responses: ResponseQueue
    private var received = ByteBuffer()
    /// Body bytes of the current response still to skip.
    private var bodyToSkip = 0

    init(_ responses: ResponseQueue) {
        self.responses = responses
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = self.unwrapInboundIn(data)
        self.received.writeBuffer(&chunk)
        while true {
            if self.bodyToSkip > 0 {
                let skipped = min(self.bodyToSkip, self.received.readableBytes)
                self.received.moveReaderIndex(forwardBy: skipped)
                self.bodyToSkip -= skipped
                if self.bodyToSkip > 0 { break }
            }
            guard let end = self.received.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) else { break }
            let length = end.upperBound - self.received.readerIndex
            let head = self.received.readString(length: length) ?? ""
            let lines = head.split(separator: "\r\n")
            let status = lines.first.flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
            self.bodyToSkip = lines.lazy.compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
            self.responses.append(status)
        }
        self.received.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.responses.close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset from the server: the connection is closed.
        context.close(promise: nil)
    }
}
