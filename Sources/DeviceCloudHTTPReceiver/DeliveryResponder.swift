import DeviceCloudProtocol
import Hummingbird
import Logging
import NIOCore

/// Answers one delivery request: authentication, admission, body, decoding, then the handoff
/// to the consumer.
///
/// | answer | when |
/// | --- | --- |
/// | 200 | the consumer took the batch (and acknowledged it, in explicit mode), or a keep-alive |
/// | 400 | the body is not a JSON or XML Document, or a zlib stream is corrupt |
/// | 401 | the basic-auth credentials are missing or wrong |
/// | 413 | the body, its inflated size or its number of events is over the limits |
/// | 415 | a `Content-Encoding` other than `deflate` or `identity` |
/// | 503 | too many requests wait, the consumer did not take (or acknowledge) the batch in time, or the receiver stops |
struct DeliveryResponder: Sendable {
    let authorization: BasicAuthorization
    let handoff: BatchHandoff
    let maximumBodySize: Int
    let limits: PushLimits
    let handoffTimeout: Duration
    let logger: Logger

    func respond(to request: Request) async -> Response {
        let admitted = self.authorization.admits(authorization: request.headers[.authorization]) { name in
            request.headers.first { $0.name.canonicalName == name }?.value
        }
        guard admitted else {
            self.logger.notice("delivery refused: missing or wrong credentials")
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: #"Basic realm="monitor""#])
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > self.maximumBodySize {
            return self.refused(.contentTooLarge, "the body of \(declared) bytes is over the \(self.maximumBodySize)-byte limit")
        }
        guard let slot = self.handoff.reserve() else {
            self.logger.debug("delivery refused: too many waiting deliveries, or stopping")
            return Response(status: .serviceUnavailable)
        }
        defer { self.handoff.release(slot) }

        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: self.maximumBodySize)
        } catch is NIOTooManyBytesError {
            return self.refused(.contentTooLarge, "the body is over the \(self.maximumBodySize)-byte limit")
        } catch {
            return self.refused(.badRequest, "the body could not be read: \(type(of: error))")
        }
        guard body.readableBytes > 0 else { return Response(status: .ok) }

        let delivery: DecodedDelivery
        do {
            delivery = try DeliveryDecoder.decode(
                body,
                contentType: request.headers[.contentType],
                contentEncoding: request.headers[.contentEncoding],
                limits: self.limits
            )
        } catch {
            return self.refused(error.status, error.reason)
        }
        // An empty Document is a keep-alive: delivered, nothing to hand on.
        guard !delivery.events.isEmpty else { return Response(status: .ok) }

        switch await self.handoff.deliver(delivery, slot: slot, timeout: self.handoffTimeout) {
        case .delivered:
            return Response(status: .ok)
        case .timedOut:
            self.logger.notice(
                "delivery answered 503: the consumer did not take or acknowledge it in time",
                metadata: ["events": "\(delivery.events.count)", "timeout": "\(self.handoffTimeout)"]
            )
            return Response(status: .serviceUnavailable)
        case .shutDown:
            return Response(status: .serviceUnavailable)
        }
    }

    private func refused(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        self.logger.notice("delivery refused", metadata: ["status": "\(status.code)", "reason": "\(reason)"])
        return Response(status: status)
    }
}
