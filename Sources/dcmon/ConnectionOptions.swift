import ArgumentParser
import DeviceCloud
import Foundation
import NIOSSL

/// Flags shared by every command that talks to a service; each falls back to an environment
/// variable (`DC_URL`, `DC_USERNAME`, `DC_PASSWORD`). An API key is read from the environment
/// only (`DC_API_KEY_ID`, `DC_API_KEY_SECRET`), so its secret never shows in a process list.
/// No password or secret is ever echoed.
struct ConnectionOptions: ParsableArguments {
    // ArgumentParser options: one declaration per flag, alike in shape by design.
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

    @Option(help: "Seconds a web-service request may take, from its start to the last byte of the answer (default 30).")
    var requestTimeout: Double?

    /// What the flags and the environment resolve to.
    struct Resolved {
        var url: URL
        var authentication: DeviceCloud.Authentication
        /// The user name and password, when given: push sessions need them.
        var credentials: Credentials?
        var configuration: DeviceCloud.Configuration
    }

    /// Resolves flags and environment into a service URL, authentication and configuration.
    ///
    /// With `DC_API_KEY_ID` and `DC_API_KEY_SECRET` set, web services use the key and a user
    /// name and password are optional (push commands still need them).
    func resolved() throws -> Resolved {
        let environment = ProcessInfo.processInfo.environment
        guard let text = self.url ?? environment["DC_URL"], let url = URL(string: text) else {
            throw CommandFailure("no service URL: pass --url or set DC_URL")
        }
        let username = self.username ?? environment["DC_USERNAME"]
        let password = self.password ?? environment["DC_PASSWORD"]
        var credentials: Credentials?
        if let username, let password {
            credentials = Credentials(username: username, password: password)
        }
        let keyID = environment["DC_API_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let keySecret = environment["DC_API_KEY_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        let authentication: DeviceCloud.Authentication
        switch (keyID, keySecret, credentials) {
        case (let id?, let secret?, _):
            authentication = .apiKey(id: id, secret: secret)
        case (.some, nil, _), (nil, .some, _):
            throw CommandFailure("an API key needs both DC_API_KEY_ID and DC_API_KEY_SECRET")
        case (nil, nil, let credentials?):
            authentication = .basic(credentials)
        case (nil, nil, nil):
            if username == nil { throw CommandFailure("no user name: pass --username or set DC_USERNAME (or set DC_API_KEY_ID and DC_API_KEY_SECRET)") }
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
        if let requestTimeout = self.requestTimeout {
            configuration.requestTimeout = try positiveSeconds(requestTimeout, flag: "--request-timeout")
        }
        return Resolved(url: url, authentication: authentication, credentials: credentials, configuration: configuration)
    }

    /// The user name and password push sessions log in with.
    func pushCredentials() throws -> Credentials {
        guard let credentials = try self.resolved().credentials else {
            throw CommandFailure("push needs a user name and password (--username/DC_USERNAME, DC_PASSWORD); an API key is not enough")
        }
        return credentials
    }

    /// Runs `body` with a client for the resolved service, shut down afterwards.
    func withCloud<Result: Sendable>(_ body: (DeviceCloud) async throws -> Result) async throws -> Result {
        let resolved = try self.resolved()
        var dedicated = resolved.configuration
        dedicated.httpClient = .dedicated(.init())
        let cloud = DeviceCloud(
            url: resolved.url,
            authentication: resolved.authentication,
            pushCredentials: resolved.credentials,
            configuration: dedicated
        )
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
