import AsyncHTTPClient
public import Foundation
public import Logging

/// A Remote Manager account: the entry point to its monitors.
///
/// ```swift
/// try await withDeviceCloud(url: URL(string: "https://remotemanager.digi.com")!,
///                           username: "me", password: secret) { cloud in
///     let monitor = try await cloud.monitors.createTCPMonitor(topics: ["DataPoint"], options: TCPMonitorOptions(acknowledgement: .explicit))
///     for try await batch in await monitor.events() { … }
/// }
/// ```
///
/// Web-service calls use HTTP basic authentication or an API key (``Authentication``) over
/// AsyncHTTPClient. Push sessions go to the URL's host (or ``Configuration/pushHost``) on port
/// 3201 with TLS, or 3200 plain, both configurable, and always log in with a user name and a
/// password: the push protocol knows nothing else. Printing the cloud never shows a password or
/// a key's secret.
public final class DeviceCloud: Sendable, CustomStringConvertible {
    /// The service's base URL, without any user or password it was given with.
    public let url: URL
    /// The settings the cloud was created with.
    public let configuration: Configuration
    /// The account's user name, or the API key's id when the cloud has no user name.
    public var username: String { self.pushCredentials?.username ?? self.authentication.identity }
    /// How web-service requests authenticate.
    public let authentication: Authentication
    /// What push sessions log in with; `nil` for a cloud given only an API key, whose monitors'
    /// `events()` then fail with ``PushSessionError/Code/authenticationFailed`` before dialling.
    public let pushCredentials: Credentials?

    let rest: MonitorWebService
    private let ownedHTTPClient: HTTPClient?

    /// Creates a cloud for an account.
    ///
    /// Nothing connects until the first call. With ``Configuration/HTTPClientSource/dedicated(_:)``
    /// call ``shutdown()`` when done, or use ``withDeviceCloud(url:username:password:configuration:logger:_:)``.
    ///
    /// - Parameters:
    ///   - url: the service, e.g. `https://remotemanager.digi.com`; a path is kept as a prefix of `ws/…`.
    ///   - username: the account's user name.
    ///   - password: the account's password. Never logged, printed or put in errors.
    ///   - configuration: ports, transport, HTTP client, retries, page size.
    ///   - logger: receives one debug line per request and a warning per throttled retry
    ///     (method, path, status; never headers or credentials).
    public convenience init(
        url: URL,
        username: String,
        password: String,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "devicecloud.rest")
    ) {
        self.init(
            url: url,
            credentials: Credentials(username: username, password: password),
            configuration: configuration,
            logger: logger
        )
    }

    /// Creates a cloud for an account given as `Credentials`: basic authentication for the
    /// web services, the same credentials for push.
    public convenience init(
        url: URL,
        credentials: Credentials,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "devicecloud.rest")
    ) {
        self.init(url: url, authentication: .basic(credentials), configuration: configuration, logger: logger)
    }

    /// Creates a cloud with any web-service ``Authentication``.
    ///
    /// - Parameters:
    ///   - url: the service, e.g. `https://remotemanager.digi.com`.
    ///   - authentication: `.basic(credentials)` or `.apiKey(id:secret:)`.
    ///   - pushCredentials: the user name and password push sessions log in with. With `.basic`
    ///     and `nil`, the basic credentials; with `.apiKey` and `nil`, none: REST works and
    ///     push sessions fail at once with ``PushSessionError/Code/authenticationFailed``.
    ///   - configuration: ports, transport, HTTP client, retries, page size.
    ///   - logger: one debug line per request (never headers, keys or credentials).
    public init(
        url: URL,
        authentication: Authentication,
        pushCredentials: Credentials? = nil,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "devicecloud.rest")
    ) {
        let url = Self.removingUserInfo(url)
        self.url = url
        self.authentication = authentication
        self.pushCredentials = pushCredentials ?? authentication.credentials
        self.configuration = configuration
        let client: HTTPClient
        switch configuration.httpClient {
        case .shared:
            client = HTTPClient.shared
            self.ownedHTTPClient = nil
        case .dedicated(let httpConfiguration):
            client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
            self.ownedHTTPClient = client
        case .provided(let provided):
            client = provided
            self.ownedHTTPClient = nil
        }
        self.rest = MonitorWebService(
            baseURL: MonitorWebService.baseURL(for: url),
            httpClient: client,
            authentication: authentication,
            configuration: configuration,
            logger: logger
        )
    }

    /// The account's monitors.
    public var monitors: Monitors { Monitors(cloud: self) }

    /// The host push sessions connect to.
    public var pushHost: String {
        self.configuration.pushHost ?? self.url.host(percentEncoded: false) ?? ""
    }

    /// Shuts down the HTTP client if the cloud created it; otherwise does nothing.
    ///
    /// Push sessions are not affected: they end when their consumers stop.
    public func shutdown() async throws {
        try await self.ownedHTTPClient?.shutdown()
    }

    /// The URL and the user name or key id; never a password or secret.
    public var description: String {
        switch self.authentication {
        case .basic(let credentials): "DeviceCloud(url: \(self.url.absoluteString), username: \(credentials.username))"
        case .apiKey(let id, _): "DeviceCloud(url: \(self.url.absoluteString), apiKeyID: \(id))"
        }
    }

    private static func removingUserInfo(_ url: URL) -> URL {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            components.user != nil || components.password != nil
        else { return url }
        components.user = nil
        components.password = nil
        return components.url ?? url
    }
}

/// Creates a cloud, hands it to `body`, and shuts its HTTP client down when `body` returns or
/// throws.
///
/// Uses a dedicated HTTP client unless `configuration` names another source, so nothing
/// outlives the call.
nonisolated(nonsending) public func withDeviceCloud<Result>(
    url: URL,
    username: String,
    password: String,
    configuration: DeviceCloud.Configuration = DeviceCloud.Configuration(httpClient: .dedicated()),
    logger: Logger = Logger(label: "devicecloud.rest"),
    _ body: (DeviceCloud) async throws -> Result
) async throws -> Result {
    let cloud = DeviceCloud(url: url, username: username, password: password, configuration: configuration, logger: logger)
    let result: Result
    do {
        result = try await body(cloud)
    } catch {
        try? await cloud.shutdown()
        throw error
    }
    try await cloud.shutdown()
    return result
}

extension DeviceCloud {
    /// A push session configuration for one of the account's monitors.
    func pushSessionConfiguration(
        monitorID: UInt32,
        acknowledgement: AcknowledgementMode
    ) throws(PushSessionError) -> PushSession.Configuration {
        guard let credentials = self.pushCredentials else {
            throw PushSessionError(
                .authenticationFailed,
                monitorID: monitorID,
                message: "push sessions log in with a user name and a password; this cloud has only an API key (give it pushCredentials)"
            )
        }
        return PushSession.Configuration(
            host: self.pushHost,
            port: self.configuration.pushPort,
            transport: self.configuration.pushTransport,
            credentials: credentials,
            monitorID: monitorID,
            acknowledgement: acknowledgement,
            reconnect: self.configuration.pushReconnect,
            limits: self.configuration.pushLimits
        )
    }
}
