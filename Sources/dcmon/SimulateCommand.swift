import ArgumentParser
import DeviceCloudSimulator
import Foundation
import Logging
import NIOSSL
import ServiceLifecycle

/// `dcmon simulate`: run the simulator as a process until SIGINT or SIGTERM.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a local simulator of the service (REST and push) until interrupted.",
        discussion: "With DC_API_KEY_ID and DC_API_KEY_SECRET set, it also accepts that API key for the web services."
    )

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The HTTP (REST) port; 0 picks a free one.") var httpPort = 0
    @Option(help: "The plain-TCP push port; 0 picks a free one.") var pushPort = 0
    @Option(help: "The TLS push port; 0 picks a free one.") var pushTLSPort = 0
    @Option(help: "The user name the simulator accepts (env DC_USERNAME).") var username: String?
    @Option(help: "The password the simulator accepts (env DC_PASSWORD).") var password: String?
    @Option(help: "PEM certificate chain for push TLS; a CA and certificate are generated when absent.") var tlsCert: String?
    @Option(help: "PEM private key for --tls-cert.") var tlsKey: String?
    @Option(help: "Where to write the generated CA certificate (PEM).") var caOut = "dcmon-simulator-ca.pem"

    func run() async throws {
        try await reportingFailures {
            let environment = ProcessInfo.processInfo.environment
            guard let username = self.username ?? environment["DC_USERNAME"],
                let password = self.password ?? environment["DC_PASSWORD"]
            else {
                throw CommandFailure("the simulator needs --username and --password (or DC_USERNAME and DC_PASSWORD)")
            }
            let (tls, caFile) = try self.tlsConfiguration()
            var logger = Logger(label: "devicecloud.simulator")
            logger.logLevel = .notice
            let simulator = try await Simulator.bind(
                configuration: .init(
                    username: username,
                    password: password,
                    host: self.host,
                    httpPort: self.httpPort,
                    pushPort: self.pushPort,
                    pushTLS: tls,
                    tlsPushPort: self.pushTLSPort,
                    apiKey: try Self.apiKey(environment)
                ),
                logger: logger
            )
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: simulator)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let httpPort = try await simulator.waitUntilListening()
                var line = "listening http=http://\(self.host):\(httpPort) push=\(simulator.pushPort)"
                if let tlsPort = simulator.tlsPushPort { line += " push-tls=\(tlsPort)" }
                if let caFile { line += " ca=\(caFile)" }
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                try await tasks.waitForAll()
            }
            note("simulator stopped")
        }
    }

    /// An API key to accept beside the account, from `DC_API_KEY_ID` and `DC_API_KEY_SECRET`.
    private static func apiKey(_ environment: [String: String]) throws -> Simulator.APIKey? {
        switch (environment["DC_API_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }, environment["DC_API_KEY_SECRET"].flatMap { $0.isEmpty ? nil : $0 }) {
        case (let id?, let secret?): return Simulator.APIKey(id: id, secret: secret)
        case (nil, nil): return nil
        default: throw CommandFailure("an API key needs both DC_API_KEY_ID and DC_API_KEY_SECRET")
        }
    }

    private func tlsConfiguration() throws -> (TLSConfiguration, String?) {
        if let certificate = self.tlsCert {
            guard let key = self.tlsKey else { throw CommandFailure("--tls-cert needs --tls-key") }
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
                let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
                return (TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey)), nil)
            } catch {
                throw CommandFailure("cannot load the TLS certificate or key: \(error)")
            }
        }
        let generated = try GeneratedTLS.make()
        let url = URL(fileURLWithPath: self.caOut)
        do {
            try SyncedFile.replace(Data(generated.caPEM.utf8), at: url.path)
        } catch {
            throw CommandFailure("cannot write the generated CA to \(self.caOut): \(error)")
        }
        return (generated.serverConfiguration, url.path)
    }
}
