import DeviceCloudProtocol
import Hummingbird
import Logging
import NIOCore

/// Answers one delivery request: authentication, admission, body, decoding, then the handoff
/// to the consumer, all within ``handoffTimeout`` of the request's arrival.
///
/// | answer | when |
/// | --- | --- |
/// | 200 | the consumer took the batch (and acknowledged it, in explicit mode), or a keep-alive |
/// | 400 | the body is not a JSON or XML Document, a zlib stream is corrupt, or the body is shorter than declared |
/// | 401 | the basic-auth credentials are missing or wrong (answered before the body is read) |
/// | 413 | the body, its inflated size or its number of events is over the limits |
/// | 415 | a `Content-Encoding` other than `deflate` or `identity` |
/// | 503 | too many bodies are being read or wait for the consumer, the body or the consumer took longer than the handoff timeout, or the receiver stops |
///
/// A request answered before its body was read (401, 413 by `Content-Length`, 503) has its
/// connection closed (see ``RequestReadGuard``).
struct DeliveryResponder: Sendable {
    let authorization: BasicAuthorization
    let handoff: BatchHandoff
    /// Bodies being read (and decoded) at once.
    let reads: CappedCounter
    let maximumBodySize: Int
    let limits: PushLimits
    let handoffTimeout: Duration
    let logger: Logger

    func respond(to request: Request) async -> Response {
        let deadline = ContinuousClock.now.advanced(by: self.handoffTimeout)
        let admitted = self.authorization.admits(authorization: request.headers[.authorization]) { name in
            request.headers.first { $0.name.canonicalName == name }?.value
        }
        guard admitted else {
            self.logger.notice("delivery refused: missing or wrong credentials")
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: #"Basic realm="monitor""#])
        }
        let declaredLength = request.headers[.contentLength].flatMap { Int($0) }
        if let declaredLength, declaredLength > self.maximumBodySize {
            return self.refused(.contentTooLarge, "the body of \(declaredLength) bytes is over the \(self.maximumBodySize)-byte limit")
        }
        guard self.reads.acquire() else {
            self.logger.debug("delivery refused: too many bodies being read", metadata: ["maximum": "\(self.reads.maximum)"])
            return Response(status: .serviceUnavailable)
        }
        let delivery: DecodedDelivery
        switch await self.readAndDecode(request, declaredLength: declaredLength, until: deadline) {
        case .answer(let response):
            self.reads.release()
            return response
        case .deliver(let decoded):
            delivery = decoded
        }
        // The decoded delivery now takes a waiting slot instead of a read.
        let slot = self.handoff.reserve()
        self.reads.release()
        guard let slot else {
            self.logger.debug("delivery refused: too many waiting deliveries, or stopping")
            return Response(status: .serviceUnavailable)
        }
        defer { self.handoff.release(slot) }

        switch await self.handoff.deliver(delivery, slot: slot, until: deadline) {
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

    /// A delivery to hand on, or the answer without one.
    private enum Decoded {
        case deliver(DecodedDelivery)
        case answer(Response)
    }

    /// Reads the body before `deadline` and decodes it.
    private func readAndDecode(_ request: Request, declaredLength: Int?, until deadline: ContinuousClock.Instant) async -> Decoded {
        let body: ByteBuffer
        switch await request.body.collect(upTo: self.maximumBodySize, until: deadline) {
        case .complete(let complete):
            body = complete
        case .tooLarge:
            return .answer(self.refused(.contentTooLarge, "the body is over the \(self.maximumBodySize)-byte limit"))
        case .deadlinePassed:
            self.logger.notice("delivery answered 503: its body did not arrive within the handoff timeout", metadata: ["timeout": "\(self.handoffTimeout)"])
            return .answer(Response(status: .serviceUnavailable))
        case .failed(let error):
            if Task.isCancelled { return .answer(Response(status: .serviceUnavailable)) }
            return .answer(self.refused(.badRequest, "the body could not be read: \(type(of: error))"))
        }
        if let declaredLength, body.readableBytes != declaredLength {
            return .answer(self.refused(.badRequest, "the body has \(body.readableBytes) of the \(declaredLength) bytes declared"))
        }
        guard body.readableBytes > 0 else { return .answer(Response(status: .ok)) }
        let delivery: DecodedDelivery
        do {
            delivery = try DeliveryDecoder.decode(
                body,
                contentType: request.headers[.contentType],
                contentEncoding: request.headers[.contentEncoding],
                limits: self.limits
            )
        } catch {
            return .answer(self.refused(error.status, error.reason))
        }
        // An empty Document is a keep-alive: delivered, nothing to hand on.
        guard !delivery.events.isEmpty else { return .answer(Response(status: .ok)) }
        if ContinuousClock.now >= deadline {
            self.logger.notice("delivery answered 503: its body did not arrive within the handoff timeout", metadata: ["timeout": "\(self.handoffTimeout)"])
            return .answer(Response(status: .serviceUnavailable))
        }
        return .deliver(delivery)
    }

    private func refused(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        self.logger.notice("delivery refused", metadata: ["status": "\(status.code)", "reason": "\(reason)"])
        return Response(status: status)
    }
}
