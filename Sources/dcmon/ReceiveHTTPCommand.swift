import ArgumentParser
import DeviceCloud
import DeviceCloudHTTPReceiver
import Foundation
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// `dcmon receive-http`: receive an HTTP monitor's deliveries and print their events as JSON
/// lines, like `dcmon listen` does for a TCP monitor.
struct ReceiveHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive-http",
        abstract: "Receive an HTTP monitor's deliveries and print one JSON object per event.",
        discussion: """
            Point the monitor's URL (monTransportUrl) at http[s]://HOST:PORT/PATH and its token \
            (monTransportToken) at the same user:pass. A delivery is answered 200 once its events \
            are printed (and, with --ack explicit, acknowledged); until then the service keeps it.
            """
    )

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port; 0 picks a free one (printed on standard error).") var port = 0
    @Option(help: "The monitor's transport token, user:pass (env DC_RECEIVER_TOKEN; prefer the variable: flags show in process lists).")
    var token: String?
    @Option(help: "Also admit deliveries carrying this header with the value of DC_RECEIVER_HEADER_SECRET, e.g. x-api-key.")
    var headerSecret: String?
    @Option(help: "The path deliveries are PUT or POSTed to.") var path = "/push"
    @Option(help: "Exit 0 after this many events. A delivery printed only in part is not acknowledged (answered 503, so it is resent).") var count: Int?
    @Option(help: "explicit: answer 200 after each batch is printed and acknowledged; off: once it is taken.")
    var ack: AckOption = .explicit
    @Option(help: "The monitor id printed with each event (an HTTP delivery does not say).") var monitorID: UInt32 = 0
    @Option(help: "Seconds a delivery waits for the printer before it is answered 503.") var handoffTimeout: Double = 4
    @Option(help: "PEM certificate chain, to serve HTTPS.") var tlsCert: String?
    @Option(help: "PEM private key for --tls-cert.") var tlsKey: String?
    @Option(help: "Seconds a connection may wait for a request before it is closed.") var idleTimeout: Double = 30
    @Option(help: "Seconds a request's body may take to arrive, counted from its head, before the connection is closed.")
    var readTimeout: Double = 10
    @Option(help: "Seconds a TLS handshake may take before the connection is closed.") var tlsHandshakeTimeout: Double = 10
    @Option(help: "Connections open at once; more are closed as they come.") var maxConnections = 256
    @Option(help: "Request bodies read at once; more are answered 503 before their body is read.") var maxConcurrentReads = 32

    func validate() throws {
        if let count = self.count, count <= 0 { throw ValidationError("--count must be positive") }
        if self.maxConnections <= 0 { throw ValidationError("--max-connections must be positive") }
        if self.maxConcurrentReads <= 0 { throw ValidationError("--max-concurrent-reads must be positive") }
        if (self.tlsCert == nil) != (self.tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        try await reportingFailures {
            let handoffTimeout = try positiveSeconds(self.handoffTimeout, flag: "--handoff-timeout")
            let idleTimeout = try positiveSeconds(self.idleTimeout, flag: "--idle-timeout")
            let readTimeout = try positiveSeconds(self.readTimeout, flag: "--read-timeout")
            let tlsHandshakeTimeout = try positiveSeconds(self.tlsHandshakeTimeout, flag: "--tls-handshake-timeout")
            var logger = Logger(label: "devicecloud.http-receiver")
            logger.logLevel = .notice
            let receiver = HTTPReceiver(
                configuration: try .init(
                    host: self.host,
                    port: self.port,
                    path: self.path,
                    token: try self.resolvedToken(required: self.headerSecret == nil),
                    acknowledgement: self.ack == .explicit ? .explicit : .off,
                    monitorID: self.monitorID,
                    tls: try self.tlsConfiguration(),
                    handoffTimeout: handoffTimeout,
                    headerSecret: try self.resolvedHeaderSecret(),
                    maximumConcurrentReads: self.maxConcurrentReads,
                    maximumConnections: self.maxConnections,
                    idleTimeout: idleTimeout,
                    requestReadTimeout: readTimeout,
                    tlsHandshakeTimeout: tlsHandshakeTimeout
                ),
                logger: logger
            )
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: receiver, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let port = try await receiver.waitUntilListening()
                note("listening \(self.tlsCert == nil ? "http" : "https")://\(self.host):\(port)\(self.path)")
                try await self.printEvents(receiver.events())
                receiver.close()
                try await tasks.waitForAll()
            }
        }
    }

    /// Prints events until the count is reached or the receiver stops.
    private func printEvents(_ batches: AsyncThrowingStream<MonitorBatch, any Error>) async throws {
        var printed = 0
        for try await batch in batches {
            var output = ByteBuffer()
            var printedHere = 0
            for event in batch.events {
                if let count = self.count, printed >= count { break }
                EventOutput.append(event, of: batch, to: &output)
                printed += 1
                printedHere += 1
            }
            EventOutput.write(output)
            // A delivery printed only in part is not acknowledged: it is answered 503 and resent.
            if printedHere == batch.events.count { await batch.acknowledge() }
            if let count = self.count, printed >= count { return }
        }
    }

    /// The token; without one, an error when `required`, else `nil` (the header secret guards).
    private func resolvedToken(required: Bool) throws -> Credentials? {
        guard let text = self.token ?? ProcessInfo.processInfo.environment["DC_RECEIVER_TOKEN"] else {
            if !required { return nil }
            throw CommandFailure("no token: pass --token user:pass or set DC_RECEIVER_TOKEN (or use --header-secret)")
        }
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw CommandFailure("the token must have the form user:pass")
        }
        return Credentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }

    /// The shared-secret header, its value from `DC_RECEIVER_HEADER_SECRET` (never a flag).
    private func resolvedHeaderSecret() throws -> HTTPReceiver.HeaderSecret? {
        guard let name = self.headerSecret else { return nil }
        guard let value = ProcessInfo.processInfo.environment["DC_RECEIVER_HEADER_SECRET"], !value.isEmpty else {
            throw CommandFailure("--header-secret needs the value in DC_RECEIVER_HEADER_SECRET")
        }
        return HTTPReceiver.HeaderSecret(name: name, value: value)
    }

    private func tlsConfiguration() throws -> TLSConfiguration? {
        guard let certificate = self.tlsCert, let key = self.tlsKey else { return nil }
        do {
            return try HTTPReceiver.Configuration.serverTLS(certificateChainFile: certificate, privateKeyFile: key)
        } catch {
            throw CommandFailure("cannot load the TLS certificate or key: \(error)")
        }
    }
}
