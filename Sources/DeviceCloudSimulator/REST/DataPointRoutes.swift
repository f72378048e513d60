import DeviceCloudProtocol
import Foundation
import Hummingbird

/// The simulator's DataPoint ingestion, which makes monitors fire.
///
/// - `POST /ws/DataPoint`: `<list><DataPoint>…</DataPoint>…</list>` or one `<DataPoint>`, or the
///   JSON equivalents (`[{…}]`, `{"list":[…]}`, `{"DataPoint":…}`, `{…}`); each point names its
///   `streamId`.
/// - `POST /ws/DataPoint/{streamId}`: the same bodies; points without a `streamId` go to the
///   stream of the path (which may hold slashes, e.g. `/ws/DataPoint/plant7/temperature`).
///
/// Each point becomes a DataPoint `INSERTION` event (a new `id`, `serverTimestamp` now) raised
/// in the ``MonitorStore``. Answers, in the service's style: 201 with
/// `<result><location>DataPoint/{streamId}/{id}</location>…</result>` (one location per point,
/// in order); 400 with `<error>why</error>` for a body that is not a DataPoint write; 413 for a
/// body over the size limit. Basic authentication as for `/ws/Monitor`.
struct DataPointRoutes: Sendable {
    let store: MonitorStore
    let maximumBodySize: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("ws/DataPoint") { request, _ in await self.write(request, stream: nil) }
        router.post("ws/DataPoint/**") { request, context in
            let stream = context.parameters.getCatchAll().joined(separator: "/")
            return await self.write(request, stream: stream.isEmpty ? nil : stream)
        }
    }

    private func write(_ request: Request, stream: String?) async -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: self.maximumBodySize)
        } catch {
            return SimulatorResponse.error(.contentTooLarge, "the body is larger than \(self.maximumBodySize) bytes")
        }
        let points: [DataPointWrite]
        do {
            points = try DataPointWrite.parse(Data(body.readableBytesView), contentType: request.headers[.contentType], defaultStream: stream)
        } catch {
            return SimulatorResponse.error(.badRequest, "invalid DataPoint write: \(error.description)")
        }
        let now = Date()
        let events = points.map { $0.raisedEvent(customerID: self.store.customerID, now: now) }
        await self.store.raise(events)
        return SimulatorResponse.xml(Self.result(events), status: .created)
    }

    /// `<result><location>DataPoint/{streamId}/{id}</location>…</result>`.
    private static func result(_ events: [RaisedEvent]) -> ByteBuffer {
        var body = ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<result>")
        for event in events {
            body.writeString("<location>")
            DocumentWriter.writeXMLEscaped("DataPoint/\(event.path)/\(Self.id(of: event))", into: &body)
            body.writeString("</location>")
        }
        body.writeString("</result>\n")
        return body
    }

    private static func id(of event: RaisedEvent) -> String {
        guard case .object(let fields) = event.resource,
            let value = fields.first(where: { $0.0 == "id" })?.1, case .string(let id) = value
        else { return "" }
        return id
    }
}
