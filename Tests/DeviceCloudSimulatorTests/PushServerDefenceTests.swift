import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOCore
import NIOPosix
import Testing

/// The simulator's push server against clients that do not play by the rules.
@Suite("Push server holds its ground")
struct PushServerDefenceTests {
    static func bind(_ configuration: PushServer.Configuration, _ body: (PushServer) async throws -> Void) async throws {
        let server = try await PushServer.bind(
            configuration: configuration,
            delegate: StaticPushDirectory(username: TestAccount.username, password: TestAccount.password, monitors: [1, 2])
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer {
                server.shutDown()
                group.cancelAll()
            }
            try await body(server)
        }
    }

    /// A raw TCP client whose channel reports when the server closes it.
    static func rawClient(port: Int) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port)
            .get()
    }

    @Test("a client that sends nothing is closed after the authentication timeout")
    func silentClientIsClosed() async throws {
        try await Self.bind(.init(authenticationTimeout: .milliseconds(200))) { server in
            let client = try await Self.rawClient(port: server.port)
            try await withTimeout { try await client.closeFuture.get() }
            #expect(server.snapshot.failedAuthentications == 1)
        }
    }

    @Test("a ConnectRequest announcing more than the cap is refused before it is buffered")
    func oversizeConnectRequest() async throws {
        try await Self.bind(.init(maximumConnectRequestLength: 1_024)) { server in
            let client = try await Self.rawClient(port: server.port)
            var header = ByteBuffer()
            header.writeInteger(UInt16(0x0001))
            header.writeInteger(UInt32(10 << 20))  // announces 10 MiB
            header.writeRepeatingByte(0, count: 100)
            try await client.writeAndFlush(header)
            try await withTimeout { try await client.closeFuture.get() }
            #expect(server.snapshot.handshakes[1] == nil)
        }
    }

    @Test("connections beyond the cap are closed on arrival; those within it are served")
    func connectionCap() async throws {
        try await Self.bind(.init(maximumConnections: 2)) { server in
            let sessions = [UInt32(1), 2].map { id in
                PushSession(
                    configuration: .init(
                        host: "127.0.0.1", port: server.port, transport: .plain,
                        credentials: Credentials(username: TestAccount.username, password: TestAccount.password), monitorID: id))
            }
            try await withTimeout {
                for session in sessions { try await session.connect() }
            }
            let third = try await Self.rawClient(port: server.port)
            try await withTimeout { try await third.closeFuture.get() }
            #expect(server.snapshot.refusedConnections == 1)
            #expect(server.snapshot.connectedMonitors == [1, 2])
            for session in sessions { session.close() }
        }
    }

    @Test("the acknowledgement log keeps counts and only the latest ids")
    func boundedAcknowledgementLog() async throws {
        try await Self.bind(.init()) { server in
            let session = PushSession(
                configuration: .init(
                    host: "127.0.0.1", port: server.port, transport: .plain,
                    credentials: Credentials(username: TestAccount.username, password: TestAccount.password), monitorID: 1))
            try await withTimeout(.seconds(60)) {
                try await session.withEvents { batches in
                    let total = PushServerSnapshot.acknowledgementHistory * 3
                    let blocks = try (0..<total).map { try SampleEvents.block(UInt16($0)) }
                    try await server.wait { $0.connectedMonitors.contains(1) }
                    async let published: Void = { for block in blocks { try await server.publish(block, to: 1) } }()
                    var received = 0
                    for try await batch in batches {
                        await batch.acknowledge()
                        received += 1
                        if received == total { break }
                    }
                    try await published
                    let snapshot = try await server.wait { $0.acknowledgementCounts[1] == total }
                    #expect(snapshot.acknowledgements[1, default: []].count <= PushServerSnapshot.acknowledgementHistory)
                    #expect(snapshot.acknowledgements[1]?.last == UInt16(total - 1))
                }
            }
        }
    }
}

@Suite("Simulator configuration")
struct SimulatorConfigurationTests {
    @Test("description, debug description and dump leave out the password and the API key secret")
    func redacted() {
        var configuration = Simulator.Configuration(username: "sim-user", password: "pa55-w0rd-XYZ")
        configuration.apiKey = .init(id: "key-1", secret: "k3y-s3cret-QQ")
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), dumped] {
            #expect(text.contains("sim-user"))
            #expect(!text.contains("pa55-w0rd-XYZ"))
            #expect(!text.contains("k3y-s3cret-QQ"))
        }
    }
}
