import ArgumentParser
import DeviceCloud
import Foundation
import NIOSSL

/// Flags shared by every command that talks to a service; each falls back to an environment
/// variable (`DC_URL`, `DC_USERNAME`, `DC_PASSWORD`). The password is never echoed.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The service URL (env DC_URL), e.g. https://remotemanager.digi.com.")
    var url: String?

    @Option(help: "The account's user name (env DC_USERNAME).")
    var username: String?

    @Option(help: "The account's password (env DC_PASSWORD; prefer the variable: flags show in process lists).")
    var password: String?

    @Option(help: "The push port (default 3201 with TLS, 3200 with --plain).")
    var pushPort: Int?

    @Flag(help: "Use plain TCP for push instead of TLS (credentials then travel in clear text).")
    var plain = false

    @Option(help: "A PEM file with an extra trusted root certificate for push TLS.")
    var caFile: String?

    /// Resolves flags and environment into a service URL and credentials.
    func resolved() throws -> (url: URL, credentials: Credentials, configuration: DeviceCloud.Configuration) {
        let environment = ProcessInfo.processInfo.environment
        guard let text = self.url ?? environment["DC_URL"], let url = URL(string: text) else {
            throw CommandFailure("no service URL: pass --url or set DC_URL")
        }
        guard let username = self.username ?? environment["DC_USERNAME"] else {
            throw CommandFailure("no user name: pass --username or set DC_USERNAME")
        }
        guard let password = self.password ?? environment["DC_PASSWORD"] else {
            throw CommandFailure("no password: pass --password or set DC_PASSWORD")
        }
        var configuration = DeviceCloud.Configuration()
        if self.plain {
            configuration.pushTransport = .plain
        } else if let caFile = self.caFile {
            do {
                configuration.pushTransport = .tls(
                    PushTLSOptions(trustRoots: .systemAnd(try NIOSSLCertificate.fromPEMFile(caFile)))
                )
            } catch {
                throw CommandFailure("cannot read the CA file \(caFile): \(error)")
            }
        }
        if let pushPort = self.pushPort {
            configuration.plainPushPort = pushPort
            configuration.tlsPushPort = pushPort
        }
        return (url, Credentials(username: username, password: password), configuration)
    }

    /// Runs `body` with a client for the resolved service, shut down afterwards.
    func withCloud<Result: Sendable>(_ body: (DeviceCloud) async throws -> Result) async throws -> Result {
        let (url, credentials, configuration) = try self.resolved()
        var dedicated = configuration
        dedicated.httpClient = .dedicated(.init())
        let cloud = DeviceCloud(url: url, credentials: credentials, configuration: dedicated)
        do {
            let result = try await body(cloud)
            try? await cloud.shutdown()
            return result
        } catch {
            try? await cloud.shutdown()
            throw error
        }
    }
}
