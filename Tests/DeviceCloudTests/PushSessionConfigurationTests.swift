@testable import DeviceCloud
import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import NIOCore
import NIOPosix
import NIOSSL
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Settings that are checked, defaults that protect, and the socket options they become.
@Suite("Push session configuration: validation, keepalive, TLS floor, acknowledgement mode")
struct PushSessionConfigurationTests {
    @Test("public initialisers throw on values out of range instead of stopping the process")
    func validation() {
        #expect(throws: ConfigurationError.self) { try PushLimits(maximumFrameLength: 0) }
        #expect(throws: ConfigurationError.self) { try PushLimits(maximumEventsPerBatch: -1) }
        #expect(throws: ConfigurationError.self) { try ReconnectPolicy(multiplier: 0.5) }
        #expect(throws: ConfigurationError.self) { try ReconnectPolicy(multiplier: .nan) }
        #expect(throws: ConfigurationError.self) { try ReconnectPolicy(jitter: 1.5) }
        #expect(throws: ConfigurationError.self) { try ReconnectPolicy(maximumAttempts: -1) }
        #expect(throws: ConfigurationError.self) { try ReconnectPolicy(initialBackoff: .seconds(-1)) }
        #expect(throws: ConfigurationError.self) { try RetryPolicy(maximumRetries: -1) }
        #expect(throws: ConfigurationError.self) { try RetryPolicy(multiplier: .infinity) }
        #expect(throws: ConfigurationError.self) { try TCPKeepalive(idle: .zero) }
        #expect(throws: ConfigurationError.self) { try TCPKeepalive(count: 0) }
        #expect(throws: Never.self) { try PushLimits(maximumFrameLength: 1) }
        #expect(PushLimits.default.maximumFrameLength == 16 << 20)
        #expect(ReconnectPolicy.default.multiplier == 1.6 && ReconnectPolicy.never.maximumAttempts == 0)
        #expect(RetryPolicy.default.maximumRetries == 5 && RetryPolicy.never.maximumRetries == 0)
    }

    @Test("a missing or unknown monAckOption means explicit acknowledgement; only off means off")
    func acknowledgementMode() {
        #expect(AcknowledgementMode(nil) == .explicit)
        #expect(AcknowledgementMode(.unrecognized("sometimes")) == .explicit)
        #expect(AcknowledgementMode(.explicit) == .explicit)
        #expect(AcknowledgementMode(.off) == .off)
    }

    @Test("keepalive is on by default and finds a dead peer within 2 minutes; the options reach the socket")
    func keepalive() async throws {
        let defaults = try #require(PushSession.Configuration(host: "h", credentials: Credentials(username: "u", password: "p"), monitorID: 1).keepalive)
        #expect(defaults.idle + defaults.interval * defaults.count <= .seconds(120))
        try await withSilentServer { port in
            let tuned = try TCPKeepalive(idle: .seconds(75), interval: .seconds(15), count: 4)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .keepalive(tuned)
                .connect(host: "127.0.0.1", port: port)
                .get()
            defer { channel.close(promise: nil) }
            #expect(try await channel.getOption(.socketOption(.so_keepalive)).get() == 1)
            #expect(try await channel.getOption(.tcpOption(.init(rawValue: TCP_KEEPIDLE))).get() == 75)
            #expect(try await channel.getOption(.tcpOption(.init(rawValue: TCP_KEEPINTVL))).get() == 15)
            #expect(try await channel.getOption(.tcpOption(.init(rawValue: TCP_KEEPCNT))).get() == 4)
        }
    }

    @Test("a server that offers only TLS 1.1 is refused; the underlying error keeps its NIOSSL type")
    func tlsFloor() async throws {
        var old = try TestCertificates.serverConfiguration()
        old.minimumTLSVersion = .tlsv1
        old.maximumTLSVersion = .tlsv11
        try await withPushServer(tls: old) { server in
            let session = PushSession(configuration: sessionConfiguration(port: server.port, transport: try trustingTestCA()))
            let error = try await withTimeout { await streamError(session.events()) }
            let sessionError = try #require(error as? PushSessionError)
            #expect(sessionError.code == .connectionFailed)
            #expect(sessionError.underlying is NIOSSLError || sessionError.underlying is BoringSSLError, "\(String(describing: sessionError.underlying))")
            #expect(server.snapshot.handshakes[1] == nil)
        }
    }
}
