public import AsyncHTTPClient
public import DeviceCloudProtocol
public import NIOCore
public import NIOPosix

extension DeviceCloud {
    /// How a ``DeviceCloud`` reaches the web services and the push service.
    public struct Configuration: Sendable {
        /// Where the HTTP client for the web services comes from.
        public enum HTTPClientSource: Sendable {
            /// AsyncHTTPClient's process-wide `HTTPClient.shared`; nothing to shut down.
            case shared
            /// A client of the cloud's own, created with this configuration and shut down by
            /// ``DeviceCloud/shutdown()`` (or at the end of ``withDeviceCloud(url:username:password:configuration:logger:_:)``).
            case dedicated(HTTPClient.Configuration = HTTPClient.Configuration())
            /// A client the caller owns and shuts down.
            case provided(HTTPClient)
        }

        /// The HTTP client for the web services; `HTTPClient.shared` by default.
        public var httpClient: HTTPClientSource
        /// How 429 answers are retried.
        public var retry: RetryPolicy
        /// The longest a single web-service request may take, from its start to the last byte of
        /// the answer (each 429 retry gets its own); beyond it the call fails with
        /// ``DeviceCloudError/Code/timedOut``. Default 30 s.
        public var requestTimeout: Duration
        /// Monitors asked for per page when listing (at least 1). Default 1000, as the reference client.
        public var pageSize: Int
        /// The largest answer body read, in bytes; a larger one fails with
        /// ``DeviceCloudError/Code/invalidResponse``. Default 32 MiB.
        public var maximumResponseSize: Int
        /// The push service host; the URL's host when `nil`.
        public var pushHost: String?
        /// TLS (the default) or plain TCP for push sessions, with the TLS trust to use.
        public var pushTransport: PushTransport
        /// The push port used with ``PushTransport/plain``. Default 3200.
        public var plainPushPort: Int
        /// The push port used with TLS. Default 3201.
        public var tlsPushPort: Int
        /// How push sessions re-establish dropped connections.
        public var pushReconnect: ReconnectPolicy
        /// Caps on push frames, inflated payloads and events per batch.
        public var pushLimits: PushLimits
        /// The NIO threads push sessions use; the process-wide singleton by default.
        public var pushEventLoopGroup: any EventLoopGroup

        // Written out: Swift synthesises no public memberwise initialiser.
        /// Creates a configuration; every default is the service's or the reference client's.
        public init(
            httpClient: HTTPClientSource = .shared,
            retry: RetryPolicy = .default,
            requestTimeout: Duration = .seconds(30),
            pageSize: Int = 1000,
            maximumResponseSize: Int = 32 * 1024 * 1024,
            pushHost: String? = nil,
            pushTransport: PushTransport = .tls,
            plainPushPort: Int = 3200,
            tlsPushPort: Int = 3201,
            pushReconnect: ReconnectPolicy = .default,
            pushLimits: PushLimits = .default,
            pushEventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
        ) {
            self.httpClient = httpClient
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.pageSize = max(1, pageSize)
            self.maximumResponseSize = maximumResponseSize
            self.pushHost = pushHost
            self.pushTransport = pushTransport
            self.plainPushPort = plainPushPort
            self.tlsPushPort = tlsPushPort
            self.pushReconnect = pushReconnect
            self.pushLimits = pushLimits
            self.pushEventLoopGroup = pushEventLoopGroup
        }

        /// The push port for the configured transport.
        public var pushPort: Int {
            if case .plain = self.pushTransport { return self.plainPushPort }
            return self.tlsPushPort
        }
    }
}
