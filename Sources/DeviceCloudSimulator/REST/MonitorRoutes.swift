import DeviceCloudProtocol
import Hummingbird

/// The simulator's `/ws/Monitor` endpoints over its ``MonitorStore``.
///
/// - `GET /ws/Monitor[?start=&size=&condition=]`: the list, JSON with `Accept: application/json`,
///   XML otherwise; `size` is capped at the maximum page size.
/// - `GET /ws/Monitor/{id}`: the list shape with one item; 404 when unknown.
/// - `POST /ws/Monitor` (a `<Monitor>` document): 201 and `<result><location>Monitor/{id}</location></result>`.
/// - `PUT /ws/Monitor/{id}`: replaces the elements given; 200.
/// - `DELETE /ws/Monitor/{id}`: 200.
///
/// A malformed document, condition or parameter answers 400. Query parameters are decoded as
/// a servlet container does (``FormQuery``: `+` is a space).
struct MonitorRoutes: Sendable {
    // The /ws routes' own table, alike in shape to InventoryRoutes (one router group per API).
    let store: MonitorStore
    let maximumPageSize: Int
    let maximumBodySize = 1024 * 1024

    func register(on router: Router<BasicRequestContext>) {
        let monitors = router.group("ws/Monitor")
        monitors.get { request, _ in await self.list(request) }
        monitors.get(":id") { request, context in await self.show(request, id: context.parameters.get("id")) }
        monitors.post { request, _ in await self.create(request) }
        monitors.put(":id") { request, context in await self.update(request, id: context.parameters.get("id")) }
        monitors.delete(":id") { _, context in await self.delete(id: context.parameters.get("id")) }
    }

    private func list(_ request: Request) async -> Response {
        let query = FormQuery(request.uri.query)
        guard let start = Self.count(query.get("start"), default: 0),
            let size = Self.count(query.get("size"), default: self.maximumPageSize), size > 0
        else {
            return SimulatorResponse.error(.badRequest, "start and size must be non-negative integers, size at least 1")
        }
        var condition: MonitorCondition?
        if let text = query.get("condition"), !text.isEmpty {
            do {
                condition = try MonitorCondition(parsing: text)
            } catch {
                return SimulatorResponse.error(.badRequest, "invalid condition: \(error.message)")
            }
        }
        do {
            let page = try await self.store.page(matching: condition, start: start, size: min(size, self.maximumPageSize))
            return Self.answer(page, to: request)
        } catch {
            return SimulatorResponse.error(.badRequest, "invalid condition: \(error.message)")
        }
    }

    private func show(_ request: Request, id: String?) async -> Response {
        guard let id = id.flatMap(UInt32.init), let record = await self.store.record(id: id) else {
            return SimulatorResponse.error(.notFound, "no such monitor")
        }
        return Self.answer(MonitorListPage(slicing: [record], start: 0, size: 1), to: request)
    }

    private func create(_ request: Request) async -> Response {
        let definition: MonitorDefinition
        switch await self.readDefinition(request) {
        case .success(let read): definition = read
        case .failure(let failure): return failure.response
        }
        do {
            let record = try await self.store.create(definition)
            return SimulatorResponse.xml(MonitorCreationResult(monitorID: record.id).xmlDocument(), status: .created)
        } catch {
            return SimulatorResponse.error(.badRequest, error.message)
        }
    }

    private func update(_ request: Request, id: String?) async -> Response {
        guard let id = id.flatMap(UInt32.init) else {
            return SimulatorResponse.error(.notFound, "no such monitor")
        }
        let changes: MonitorDefinition
        switch await self.readDefinition(request) {
        case .success(let read): changes = read
        case .failure(let failure): return failure.response
        }
        do {
            try await self.store.update(id: id, with: changes)
            return SimulatorResponse.xml(MonitorCreationResult(monitorID: id).xmlDocument())
        } catch {
            return SimulatorResponse.error(error.code == .notFound ? .notFound : .badRequest, error.message)
        }
    }

    private func delete(id: String?) async -> Response {
        guard let id = id.flatMap(UInt32.init) else {
            return SimulatorResponse.error(.notFound, "no such monitor")
        }
        do {
            try await self.store.delete(id: id)
            return Response(status: .ok)
        } catch {
            return SimulatorResponse.error(.notFound, error.message)
        }
    }


    private func readDefinition(_ request: Request) async -> Result<MonitorDefinition, ResponseFailure> {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: self.maximumBodySize)
        } catch {
            let message = "the body is larger than \(self.maximumBodySize) bytes"
            return .failure(ResponseFailure(SimulatorResponse.error(.contentTooLarge, message)))
        }
        do {
            return .success(try MonitorDefinition(xml: body))
        } catch {
            return .failure(ResponseFailure(SimulatorResponse.error(.badRequest, error.message)))
        }
    }

    private static func answer(_ page: MonitorListPage, to request: Request) -> Response {
        if let accept = request.headers[.accept], accept.lowercased().contains("json") {
            return SimulatorResponse.json(page.jsonDocument())
        }
        return SimulatorResponse.xml(page.xmlDocument())
    }

    /// A non-negative integer parameter, the default when absent, `nil` when malformed.
    private static func count(_ text: String?, default value: Int) -> Int? {
        guard let text else { return value }
        guard let number = Int(text), number >= 0 else { return nil }
        return number
    }
}

/// A ready error answer, carried through a `Result`.
struct ResponseFailure: Error {
    let response: Response

    init(_ response: Response) {
        self.response = response
    }
}
