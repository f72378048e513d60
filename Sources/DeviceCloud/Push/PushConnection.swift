import DeviceCloudProtocol
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP or TLS connection to the push service: its channel, codec, on-demand reader and
/// acknowledgement writer. It performs I/O only; ``PushSessionStateMachine`` decides when.
struct PushConnection: Sendable {
    let channel: any Channel
    /// Writes this connection's acknowledgements.
    let acknowledgements: AcknowledgementWriter
    private let reader: NIOLoopBound<PushInboundReader>

    init(channel: any Channel, reader: NIOLoopBound<PushInboundReader>) {
        self.channel = channel
        self.reader = reader
        self.acknowledgements = AcknowledgementWriter(channel: channel)
    }

    /// Opens a connection; the TLS handshake (if any) completes with the first exchange.
    ///
    /// - Parameter registerChannel: called with the channel as soon as it exists, before the
    ///   connect completes, so that closing the session can abort a dial in flight.
    static func connect(
        configuration: PushSession.Configuration,
        group: any EventLoopGroup,
        registerChannel: @escaping @Sendable (any Channel) -> Void
    ) async throws -> PushConnection {
        let sslContext: NIOSSLContext?
        let serverHostname: String?
        switch configuration.transport {
        case .plain:
            sslContext = nil
            serverHostname = nil
        case .tls(let options):
            sslContext = try options.makeContext()
            let name = options.serverHostname ?? configuration.host
            // An IP address cannot be sent as SNI; NIOSSL then checks the certificate's IP names.
            serverHostname = name.isIPAddress ? nil : name
        }
        let limits = configuration.limits
        var bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.seconds * 1e9)))
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let keepalive = configuration.keepalive {
            bootstrap = bootstrap.keepalive(keepalive)
        }
        // The reader is taken from the initializer, not looked up after the connect: a TLS
        // failure can tear the pipeline down first, and the reader must still report it.
        let (channel, reader) = try await bootstrap.connect(host: configuration.host, port: configuration.port) { channel in
            registerChannel(channel)
            return channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                if let sslContext {
                    try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                }
                try pipeline.addHandler(ByteToMessageHandler(PushFrameDecoder(limits: limits)))
                try pipeline.addHandler(MessageToByteHandler(PushFrameEncoder()))
                let reader = PushInboundReader()
                try pipeline.addHandler(reader)
                return (channel, NIOLoopBound(reader, eventLoop: channel.eventLoop))
            }
        }
        return PushConnection(channel: channel, reader: reader)
    }

    /// The messages the service sent since the last call (at least one); empty when the
    /// connection closed cleanly.
    ///
    /// Cancelling the calling task closes the connection.
    func next() async throws -> [PushMessage] {
        let reader = self.reader
        let eventLoop = self.channel.eventLoop
        let future = eventLoop.flatSubmit { reader.value.next(on: eventLoop) }
        let channel = self.channel
        return try await withTaskCancellationHandler {
            try await future.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Like ``next()``, but `nil` when nothing arrived within `timeout` on `clock` (the
    /// connection is then closed: it is given up).
    func next(within timeout: Duration, on clock: any Clock<Duration>) async throws -> [PushMessage]? {
        try await withThrowingTaskGroup(of: [PushMessage]?.self) { group in
            group.addTask { try await self.next() }
            group.addTask {
                try await clock.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            // Both children return a value or throw, so the group always yields one result.
            guard let first = try await group.next() else { return nil }
            return first
        }
    }

    /// Writes the ConnectRequest. Not awaited: under TLS the write completes only after the
    /// handshake, which needs the read that follows.
    func send(_ request: ConnectRequest) {
        self.channel.writeAndFlush(PushMessage.connectRequest(request), promise: nil)
    }

    /// Closes the connection after any acknowledgements already queued: going through the event
    /// loop puts the close behind their flush even when called on the loop.
    func close() {
        let channel = self.channel
        channel.eventLoop.execute { channel.close(promise: nil) }
    }

    /// Completes once the connection has closed (after the flushes queued before the close).
    var closed: EventLoopFuture<Void> { self.channel.closeFuture }
}

extension ClientBootstrap {
    /// Turns on TCP keepalive with the given probing, so a dead peer is found on a silent connection.
    func keepalive(_ keepalive: TCPKeepalive) -> ClientBootstrap {
        #if canImport(Darwin)
        let idleOption = TCP_KEEPALIVE
        #else
        let idleOption = TCP_KEEPIDLE
        #endif
        return self
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.tcpOption(.init(rawValue: idleOption)), value: SocketOptionValue(keepalive.idle.wholeSeconds))
            .channelOption(.tcpOption(.init(rawValue: TCP_KEEPINTVL)), value: SocketOptionValue(keepalive.interval.wholeSeconds))
            .channelOption(.tcpOption(.init(rawValue: TCP_KEEPCNT)), value: SocketOptionValue(clamping: keepalive.count))
    }
}

extension Duration {
    /// The whole seconds, clamped to what a socket option holds.
    var wholeSeconds: Int32 {
        Int32(clamping: self.components.seconds)
    }
}

extension String {
    var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
