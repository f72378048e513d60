import DeviceCloudProtocol
import Foundation
import Hummingbird

/// The simulator's v1 monitor endpoints, JSON only, over the same ``MonitorStore`` as
/// `/ws/Monitor`:
///
/// - `GET /ws/v1/monitors/inventory[?query=&orderby=&size=&cursor=]`: the v1 envelope
///   (`count`, `size`, `cursor`, `next_uri`, `list`); a page without `cursor` is the last.
///   `query` takes the `/ws/Monitor` condition grammar with v1 field names (`type='tcp'`,
///   `topics like 'DataPoint%'`); `orderby` is a field, optionally followed by `asc` or `desc`.
/// - `GET /ws/v1/monitors/inventory/{id}`: one monitor; 404 when unknown.
/// - `POST /ws/v1/monitors/inventory`: create; 201 with the monitor.
/// - `PUT /ws/v1/monitors/inventory/{id}`: change the fields given; 200 with the monitor.
/// - `DELETE /ws/v1/monitors/inventory/{id}`: 200.
/// - `POST` or `PUT /ws/v1/monitors/inventory/{id}/reset`: the monitor starts over (a
///   `DISABLED` one is enabled); 200 with the monitor.
/// - `GET /ws/v1/monitors/history/{id}[?start_time=&end_time=&size=&cursor=]`: the saved events
///   of a persistent monitor, oldest first, in the v1 envelope; each entry of `list` is the
///   event's `Msg` object as a JSON document holds it.
///
/// Monitors are answered without `auth_token` and with header names only.
struct InventoryRoutes: Sendable {
    // The v1 routes' own table, alike in shape to MonitorRoutes (one router group per API).
    let store: MonitorStore
    let maximumPageSize: Int
    let maximumBodySize = 1024 * 1024

    func register(on router: Router<BasicRequestContext>) {
        let inventory = router.group("ws/v1/monitors/inventory")
        inventory.get { request, _ in await self.list(request) }
        inventory.get(":id") { _, context in await self.show(id: context.parameters.get("id")) }
        inventory.post { request, _ in await self.create(request) }
        inventory.put(":id") { request, context in await self.update(request, id: context.parameters.get("id")) }
        inventory.delete(":id") { _, context in await self.delete(id: context.parameters.get("id")) }
        inventory.post(":id/reset") { _, context in await self.reset(id: context.parameters.get("id")) }
        inventory.put(":id/reset") { _, context in await self.reset(id: context.parameters.get("id")) }
        router.get("ws/v1/monitors/history/:id") { request, context in await self.history(request, id: context.parameters.get("id")) }
    }

    private func list(_ request: Request) async -> Response {
        let query = FormQuery(request.uri.query)
        guard let size = Self.count(query.get("size"), default: self.maximumPageSize), size > 0,
            let start = Self.count(query.get("cursor"), default: 0)
        else {
            return SimulatorResponse.error(.badRequest, "size must be a positive integer and cursor one this service gave")
        }
        var condition: MonitorCondition?
        if let text = query.get("query"), !text.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                condition = try MonitorCondition(parsing: Self.legacyCondition(text))
            } catch {
                return SimulatorResponse.error(.badRequest, "invalid query: \(error.message)")
            }
        }
        var records: [MonitorRecord]
        do {
            records = try await self.store.page(matching: condition, start: 0, size: Int(Int32.max)).items
        } catch {
            return SimulatorResponse.error(.badRequest, "invalid query: \(error.message)")
        }
        if let orderBy = query.get("orderby"), !orderBy.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let ordered = Self.ordered(records, by: orderBy) else {
                return SimulatorResponse.error(.badRequest, "invalid orderby: \(orderBy)")
            }
            records = ordered
        }
        let pageSize = min(size, self.maximumPageSize)
        let slice = records.dropFirst(start).prefix(pageSize)
        let next = start + slice.count < records.count ? start + slice.count : nil
        var nextURI: String?
        if let next {
            var parameters = [("size", String(pageSize)), ("cursor", String(next))]
            for name in ["query", "orderby"] {
                if let value = query.get(name) { parameters.append((name, value)) }
            }
            nextURI = "/ws/v1/monitors/inventory?" + Self.encoded(parameters)
        }
        let page = V1ListPage(
            count: slice.count,
            size: pageSize,
            cursor: next.map(String.init),
            nextURI: nextURI,
            list: slice.map { InventoryMonitor(record: $0).jsonDocument() }
        )
        return SimulatorResponse.json(ByteBuffer(bytes: page.jsonDocument()))
    }

    private func show(id: String?) async -> Response {
        guard let id = id.flatMap(UInt32.init), let record = await self.store.record(id: id) else {
            return SimulatorResponse.error(.notFound, "no such monitor")
        }
        return Self.answer(record)
    }

    private func create(_ request: Request) async -> Response {
        let monitor: InventoryMonitor
        switch await self.readMonitor(request) {
        case .success(let read): monitor = read
        case .failure(let failure): return failure.response
        }
        do {
            return Self.answer(try await self.store.create(monitor.definition), status: .created)
        } catch {
            return SimulatorResponse.error(.badRequest, error.message)
        }
    }

    private func update(_ request: Request, id: String?) async -> Response {
        guard let id = id.flatMap(UInt32.init) else { return SimulatorResponse.error(.notFound, "no such monitor") }
        let monitor: InventoryMonitor
        switch await self.readMonitor(request) {
        case .success(let read): monitor = read
        case .failure(let failure): return failure.response
        }
        do {
            return Self.answer(try await self.store.update(id: id, with: monitor.definition))
        } catch {
            return SimulatorResponse.error(error.code == .notFound ? .notFound : .badRequest, error.message)
        }
    }

    private func delete(id: String?) async -> Response {
        guard let id = id.flatMap(UInt32.init) else { return SimulatorResponse.error(.notFound, "no such monitor") }
        do {
            try await self.store.delete(id: id)
            return Response(status: .ok)
        } catch {
            return SimulatorResponse.error(.notFound, error.message)
        }
    }

    private func reset(id: String?) async -> Response {
        guard let id = id.flatMap(UInt32.init) else { return SimulatorResponse.error(.notFound, "no such monitor") }
        do {
            return Self.answer(try await self.store.reset(id: id))
        } catch {
            return SimulatorResponse.error(.notFound, error.message)
        }
    }

    private func history(_ request: Request, id: String?) async -> Response {
        let query = FormQuery(request.uri.query)
        guard let id = id.flatMap(UInt32.init) else { return SimulatorResponse.error(.notFound, "no such monitor") }
        guard let size = Self.count(query.get("size"), default: 1000), size > 0,
            let cursor = Self.count(query.get("cursor"), default: 0)
        else {
            return SimulatorResponse.error(.badRequest, "size must be a positive integer and cursor one this service gave")
        }
        var bounds: [Date?] = []
        for name in ["start_time", "end_time"] {
            guard let text = query.get(name), !text.isEmpty else {
                bounds.append(nil)
                continue
            }
            guard let date = Self.date(text) else {
                return SimulatorResponse.error(.badRequest, "\(name) must be an ISO-8601 time or milliseconds since 1970")
            }
            bounds.append(date)
        }
        let pageSize = min(size, self.maximumPageSize)
        guard let page = await self.store.historyPage(id: id, from: bounds[0], to: bounds[1], cursor: cursor, size: pageSize) else {
            return SimulatorResponse.error(.notFound, "no such monitor")
        }
        var nextURI: String?
        if let next = page.nextCursor {
            var parameters = [("size", String(pageSize)), ("cursor", String(next))]
            for name in ["start_time", "end_time"] {
                if let value = query.get(name) { parameters.append((name, value)) }
            }
            nextURI = "/ws/v1/monitors/history/\(id)?" + Self.encoded(parameters)
        }
        let envelope = V1ListPage(
            count: page.entries.count,
            size: pageSize,
            cursor: page.nextCursor.map(String.init),
            nextURI: nextURI,
            list: page.entries.map(\.json)
        )
        return SimulatorResponse.json(ByteBuffer(bytes: envelope.jsonDocument()))
    }

    private func readMonitor(_ request: Request) async -> Result<InventoryMonitor, ResponseFailure> {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: self.maximumBodySize)
        } catch {
            return .failure(
                ResponseFailure(SimulatorResponse.error(.contentTooLarge, "the body is larger than \(self.maximumBodySize) bytes")))
        }
        do {
            return .success(try InventoryMonitor(json: Data(body.readableBytesView)))
        } catch {
            return .failure(ResponseFailure(SimulatorResponse.error(.badRequest, error.message)))
        }
    }

    private static func answer(_ record: MonitorRecord, status: HTTPResponse.Status = .ok) -> Response {
        SimulatorResponse.json(ByteBuffer(bytes: InventoryMonitor(record: record).jsonDocument()), status: status)
    }

    /// v1 field names and their `/ws/Monitor` elements.
    static let fieldElements: [String: String] = [
        "id": MonitorElement.id, "customer_id": MonitorElement.customerID, "type": MonitorElement.transportType,
        "topics": MonitorElement.topic, "format": MonitorElement.formatType, "compression": MonitorElement.compression,
        "batch_size": MonitorElement.batchSize, "batch_duration": MonitorElement.batchDuration,
        "persistent": MonitorElement.persistent, "url": MonitorElement.transportURL, "method": MonitorElement.transportMethod,
        "schema_type": MonitorElement.schemaType, "description": MonitorElement.description, "status": MonitorElement.status,
    ]

    /// A v1 query with its field names replaced by element names; quoted values are untouched.
    static func legacyCondition(_ query: String) -> String {
        var result = ""
        var word = ""
        var inQuote = false
        func flush() {
            result += Self.fieldElements[word] ?? word
            word = ""
        }
        for character in query {
            if inQuote {
                result.append(character)
                if character == "'" { inQuote = false }
            } else if character == "'" {
                flush()
                inQuote = true
                result.append(character)
            } else if character.isLetter || character.isNumber || character == "_" {
                word.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }

    /// The records ordered by a v1 field (`id`, `id desc`, `description asc`…), or `nil` for an unknown field.
    static func ordered(_ records: [MonitorRecord], by orderBy: String) -> [MonitorRecord]? {
        let parts = orderBy.split(separator: " ", omittingEmptySubsequences: true).map { $0.lowercased() }
        guard let field = parts.first, let element = Self.fieldElements[field], parts.count <= 2 else { return nil }
        let descending: Bool
        switch parts.count == 2 ? parts[1] : "asc" {
        case "asc": descending = false
        case "desc": descending = true
        default: return nil
        }
        func key(_ record: MonitorRecord) -> String {
            record.elements().first { $0.name == element }?.text ?? ""
        }
        let sorted = records.sorted { lhs, rhs in
            if element == MonitorElement.id || element == MonitorElement.batchSize || element == MonitorElement.batchDuration {
                return (Int(key(lhs)) ?? 0, lhs.id) < (Int(key(rhs)) ?? 0, rhs.id)
            }
            return (key(lhs), lhs.id) < (key(rhs), rhs.id)
        }
        return descending ? sorted.reversed() : sorted
    }

    /// An ISO-8601 time (fractional seconds optional) or milliseconds since 1970.
    static func date(_ text: String) -> Date? {
        if let milliseconds = Int64(text) { return Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    private static func encoded(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return parameters.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    private static func count(_ text: String?, default value: Int) -> Int? {
        guard let text else { return value }
        guard let number = Int(text), number >= 0 else { return nil }
        return number
    }
}
