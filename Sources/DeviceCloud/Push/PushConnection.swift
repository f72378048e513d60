import DeviceCloudProtocol
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP or TLS connection to the push service, with its codec and on-demand reader.
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
    static func connect(
        host: String,
        port: Int,
        transport: PushTransport,
        limits: PushLimits,
        connectTimeout: Duration,
        group: any EventLoopGroup
    ) async throws -> PushConnection {
        let sslContext: NIOSSLContext?
        let serverHostname: String?
        switch transport {
        case .plain:
            sslContext = nil
            serverHostname = nil
        case .tls(let options):
            sslContext = try options.makeContext()
            let name = options.serverHostname ?? host
            // An IP address cannot be sent as SNI; NIOSSL then checks the certificate's IP names.
            serverHostname = name.isIPAddress ? nil : name
        }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(connectTimeout.seconds * 1e9)))
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                    }
                    try pipeline.addHandler(ByteToMessageHandler(PushFrameDecoder(limits: limits)))
                    try pipeline.addHandler(MessageToByteHandler(PushFrameEncoder()))
                    try pipeline.addHandler(PushInboundReader())
                }
            }
            .connect(host: host, port: port)
            .get()
        let reader = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: PushInboundReader.self), eventLoop: channel.eventLoop)
        }.get()
        return PushConnection(channel: channel, reader: reader)
    }

    /// The messages the service sent since the last call (at least one); empty when the
    /// connection closed cleanly.
    ///
    /// Cancelling the calling task closes the connection.
    func next(timeout: Duration? = nil) async throws -> [PushMessage] {
        let reader = self.reader
        let amount = timeout.map { TimeAmount.nanoseconds(Int64($0.seconds * 1e9)) }
        let eventLoop = self.channel.eventLoop
        let future = eventLoop.flatSubmit { reader.value.next(timeout: amount, on: eventLoop) }
        let channel = self.channel
        return try await withTaskCancellationHandler {
            try await future.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    func send(_ message: PushMessage) async throws {
        try await self.channel.writeAndFlush(message)
    }

    func close() {
        self.channel.close(promise: nil)
    }
}

extension String {
    var isIPAddress: Bool {
        (try? SocketAddress(ipAddress: self, port: 0)) != nil
    }
}
