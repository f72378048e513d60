import AsyncHTTPClient
import DeviceCloudProtocol
import Logging
import NIOCore

/// Delivers one HTTP monitor's blocks to its URL, one at a time and in order, for one
/// generation of the monitor's settings (an update or delete stops it).
///
/// Each block is sent with the monitor's method (PUT by default, or POST) and these headers:
/// `Content-Type: application/json` or `application/xml` after `monFormatType`,
/// `Authorization: Basic …` from `monTransportToken`, then `monTransportHeaders` (which cannot
/// replace the framing headers, nor `Authorization` when a token is set). The body is the block's
/// payload exactly as a push connection carries it: the Document, deflated into a zlib stream
/// when the monitor compresses. No `Content-Encoding` is sent: the service documents none, so a
/// receiver recognises a zlib stream by its header (first byte `0x78`). Redirects are not
/// followed.
///
/// A 2xx answer delivers the block. Anything else (no connection, `monConnectTimeout` or
/// `monResponseTimeout` passed, another status) keeps the block and retries it after the
/// policy's backoff (at-least-once, in order); when attempts have failed for the whole failure
/// window the monitor becomes `DISABLED` and the deliverer ends.
struct HTTPDeliverer: Sendable {
    let monitorID: UInt32
    let generation: Int
    let store: MonitorStore
    let policy: HTTPDeliveryPolicy
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    private enum Outcome {
        case delivered
        case failed(String)
    }

    /// Delivers until the monitor's generation ends, it is disabled, or the task is cancelled.
    func run() async {
        var signal = DeliverySignal()
        guard let target = await self.store.attachHTTPDeliverer(signal.continuation, monitorID: self.monitorID, generation: self.generation)
        else { return }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(target.connectTimeout), read: TimeAmount(target.responseTimeout))
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        let client = HTTPClient(eventLoopGroup: self.eventLoopGroup, configuration: configuration)
        await self.deliver(to: target, with: client, signal: &signal)
        do {
            try await client.shutdown()
        } catch {
            self.logger.debug("HTTP delivery client shutdown failed", metadata: ["monitor": "\(self.monitorID)"])
        }
    }

    private func deliver(to target: HTTPDeliveryTarget, with client: HTTPClient, signal: inout DeliverySignal) async {
        let clock = ContinuousClock()
        var block: PublishMessage?
        var failingSince: ContinuousClock.Instant?
        var retries = 0
        while !Task.isCancelled {
            if block == nil {
                switch await self.store.nextHTTPStep(monitorID: self.monitorID, generation: self.generation) {
                case .stop:
                    return
                case .wait(let deadline):
                    guard await signal.wait(until: deadline) else { return }
                    continue
                case .send(let blocks):
                    block = blocks.first
                }
            }
            guard let current = block else { continue }
            switch await self.attempt(current, to: target, with: client) {
            case .delivered:
                block = nil
                failingSince = nil
                retries = 0
                await self.store.httpDelivered(blockID: current.blockID, monitorID: self.monitorID, generation: self.generation)
            case .failed(let reason):
                let now = clock.now
                let since = failingSince ?? now
                failingSince = since
                let windowEnd = since.advanced(by: self.policy.failureWindow)
                self.logger.debug(
                    "HTTP delivery failed",
                    metadata: ["monitor": "\(self.monitorID)", "block": "\(current.blockID)", "reason": "\(reason)"]
                )
                guard now < windowEnd else {
                    self.logger.notice("HTTP monitor disabled after failing for its window", metadata: ["monitor": "\(self.monitorID)"])
                    await self.store.httpDisable(monitorID: self.monitorID, generation: self.generation)
                    return
                }
                guard await self.store.httpFailed(monitorID: self.monitorID, generation: self.generation) else { return }
                let retryAt = min(now.advanced(by: self.policy.backoff(beforeRetry: retries)), windowEnd)
                retries += 1
                guard await signal.pause(until: retryAt) else { return }
            }
        }
    }

    /// One attempt; the reason of a failure names a status or an error type, never the URL,
    /// token or headers.
    private func attempt(_ block: PublishMessage, to target: HTTPDeliveryTarget, with client: HTTPClient) async -> Outcome {
        var request = HTTPClientRequest(url: target.url)
        request.method = target.usesPOST ? .POST : .PUT
        for header in target.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(block.payload)
        do {
            // No request logger: the client's own logs could show the URL.
            let response = try await client.execute(request, timeout: TimeAmount(target.connectTimeout + target.responseTimeout))
            // Read (a bounded part of) the answer so the connection can be reused; its content
            // does not matter.
            _ = try? await response.body.collect(upTo: self.policy.maximumResponseBodySize)
            guard (200..<300).contains(response.status.code) else {
                return .failed("status \(response.status.code)")
            }
            return .delivered
        } catch let error as HTTPClientError {
            return .failed("\(error)")
        } catch {
            return .failed("\(type(of: error))")
        }
    }
}
