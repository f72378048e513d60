import Logging
import NIOCore
import ServiceLifecycle

/// Runs the deliverers of a store's HTTP monitors, as part of ``Simulator/run()``: one child
/// task per HTTP monitor, started when the monitor is created or updated; a deliverer ends by
/// itself when its monitor is updated (a new one starts), deleted or disabled. Everything
/// stops with the service (graceful shutdown or cancellation).
struct HTTPDeliveryService: Service {
    let store: MonitorStore
    let policy: HTTPDeliveryPolicy
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    func run() async throws {
        let store = self.store
        let policy = self.policy
        let eventLoopGroup = self.eventLoopGroup
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await _ in store.httpDelivererWakeups {
                    for request in await store.takeHTTPDelivererRequests() {
                        let deliverer = HTTPDeliverer(
                            monitorID: request.monitorID,
                            generation: request.generation,
                            store: store,
                            policy: policy,
                            eventLoopGroup: eventLoopGroup,
                            logger: logger
                        )
                        group.addTask { await deliverer.run() }
                    }
                }
            }
        }
    }
}
