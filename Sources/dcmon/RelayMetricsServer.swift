import DeviceCloudRelay
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle

/// `dcmon relay --metrics-port`: what an operator's Prometheus scrapes, and a health check.
///
/// - `GET /metrics`: every swift-metrics counter, gauge and timer of the process (the push
///   session's events, bytes and reconnects; the relay's stored events, duplicates skipped,
///   commits, commit failures and commit duration; lag from event time to commit; monitors owned)
///   in the Prometheus text format.
/// - `GET /health`: 200 and `ok` while the last commit succeeded and every monitor's session is
///   connecting, streaming or backing off within its reconnect policy; 503 otherwise, with one
///   line per problem (`MonitorRelay/Health`).
enum RelayMetricsServer {
    /// Routes swift-metrics into a new Prometheus registry; call once, before any metric is made.
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    /// The HTTP server, a `Service` to run in the relay's group; `beforeScrape` refreshes gauges,
    /// `onListening` gets the port.
    static func application(
        port: Int,
        registry: PrometheusCollectorRegistry,
        health: @escaping @Sendable () -> MonitorRelay.Health,
        beforeScrape: @escaping @Sendable () -> Void,
        onListening: @escaping @Sendable (Int) -> Void,
        logger: Logger
    ) -> some Service {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            beforeScrape()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        router.get("health") { _, _ -> Response in
            let health = health()
            return Response(
                status: health.isHealthy ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: health.report + "\n"))
            )
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "dcmon-relay"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
