import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Testing

@Suite("Push session: handshake and transport")
struct PushSessionHandshakeTests {
    @Test("a good handshake streams the published block")
    func handshakeOK() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port))
            let batch = try await withTimeout {
                async let batches = collect(session.events(), count: 1)
                try await server.wait { $0.connectedMonitors.contains(1) }
                try await server.publish(try SampleEvents.block(7, events: 3), to: 1)
                return try await batches.first
            }
            #expect(batch?.blockID == 7)
            #expect(batch?.events.count == 3)
            #expect(batch?.events.first?.topic == "7603/DataPoint/test")
            #expect(batch?.events.first?.operation == .insertion)
        }
    }

    @Test("wrong credentials end the stream with authenticationFailed, without the password")
    func forbidden() async throws {
        try await withPushServer { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port, password: "wrong-password-xyz"))
            let error = try await withTimeout { await streamError(session.events()) }
            let sessionError = try #require(error as? PushSessionError)
            #expect(sessionError.code == .authenticationFailed)
            #expect(sessionError.status == 403)
            #expect(!"\(sessionError)".contains("wrong-password-xyz"))
            #expect(server.snapshot.rejectedHandshakes == 1)
        }
    }

    @Test("an unknown monitor ends the stream with connectionRejected 400")
    func badRequest() async throws {
        try await withPushServer(monitors: [1]) { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port, monitorID: 99))
            let error = try await withTimeout { await streamError(session.events()) }
            let sessionError = try #require(error as? PushSessionError)
            #expect(sessionError.code == .connectionRejected)
            #expect(sessionError.status == 400)
            #expect(sessionError.monitorID == 99)
        }
    }

    @Test("a silent service times the handshake out")
    func handshakeTimeout() async throws {
        try await withSilentServer { port in
            let session = PushSession(
                configuration: sessionConfiguration(port: port, handshakeTimeout: .milliseconds(300))
            )
            let error = try await withTimeout { await streamError(session.events()) }
            #expect((error as? PushSessionError)?.code == .handshakeTimeout)
        }
    }

    @Test("a refused connection is connectionFailed")
    func refused() async throws {
        // Bind and close a server to get a port nobody listens on.
        let port = try await withPushServer { $0.port }
        let session = PushSession(configuration: sessionConfiguration(port: port))
        let error = try await withTimeout { await streamError(session.events()) }
        #expect((error as? PushSessionError)?.code == .connectionFailed)
    }

    @Test("TLS with the test CA works, by IP address and by host name")
    func tlsTrusted() async throws {
        try await withPushServer(tls: try TestCertificates.serverConfiguration()) { server in
            for host in ["127.0.0.1", "localhost"] {
                var configuration = sessionConfiguration(port: server.port, transport: try trustingTestCA())
                configuration.host = host
                let session = PushSession(configuration: configuration)
                let handshakes = server.snapshot.handshakes[1, default: 0]
                let batch = try await withTimeout {
                    async let batches = collect(session.events(), count: 1)
                    try await server.wait { $0.handshakes[1, default: 0] > handshakes && $0.connectedMonitors.contains(1) }
                    try await server.publish(try SampleEvents.block(1, compression: .zlib), to: 1)
                    return try await batches.first
                }
                #expect(batch?.events.count == 1)
                session.close()
            }
        }
    }

    @Test("TLS to an untrusted certificate fails")
    func tlsUntrusted() async throws {
        try await withPushServer(tls: try TestCertificates.untrustedServerConfiguration()) { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port, transport: try trustingTestCA()))
            let error = try await withTimeout { await streamError(session.events()) }
            #expect((error as? PushSessionError)?.code == .connectionFailed)
            #expect(server.snapshot.handshakes.isEmpty)
        }
    }

    @Test("TLS checks the host name: a certificate for another name fails unless that name is expected")
    func tlsHostName() async throws {
        try await withPushServer(tls: try TestCertificates.otherHostServerConfiguration()) { server in
            let wrongName = PushSession(configuration: sessionConfiguration(port: server.port, transport: try trustingTestCA()))
            let error = try await withTimeout { await streamError(wrongName.events()) }
            #expect((error as? PushSessionError)?.code == .connectionFailed)
            #expect(server.snapshot.handshakes.isEmpty)

            let transport = try trustingTestCA(serverHostname: "push.example.test")
            let rightName = PushSession(configuration: sessionConfiguration(port: server.port, transport: transport))
            try await withTimeout { try await rightName.connect() }
            #expect(server.snapshot.handshakes[1] == 1)
            rightName.close()
        }
    }

    @Test("TLS with the system trust store rejects the test CA's certificate")
    func tlsSystemRoots() async throws {
        try await withPushServer(tls: try TestCertificates.serverConfiguration()) { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port, transport: .tls))
            let error = try await withTimeout { await streamError(session.events()) }
            #expect((error as? PushSessionError)?.code == .connectionFailed)
        }
    }

    @Test("credentials never show in descriptions")
    func redaction() {
        let credentials = Credentials(username: "me", password: "hunter2-secret")
        #expect(!"\(credentials)".contains("hunter2"))
        #expect(!String(reflecting: credentials).contains("hunter2"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        var configurationDump = ""
        dump(sessionConfiguration(port: 1, password: "hunter2-secret"), to: &configurationDump)
        #expect(!configurationDump.contains("hunter2"))
    }

    @Test("a second events() on one session is refused")
    func secondStream() async throws {
        let session = PushSession(configuration: sessionConfiguration(port: 1))
        _ = session.events()
        let error = await streamError(session.events())
        #expect((error as? PushSessionError)?.code == .alreadyStreaming)
    }
}
