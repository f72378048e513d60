public import DeviceCloudProtocol
public import Foundation
import NIOCore

/// The saved events of a persistent monitor, from `/ws/v1/monitors/history/{id}`, as the same
/// `MonitorEvent` values a push stream gives, fetched a page at a time as the sequence is
/// iterated (`start_time`, `end_time`, `size`, then each page's `cursor`).
///
/// ```swift
/// for try await event in cloud.monitors.history(monitor.id, from: outageStart, to: .now) {
///     try store(event)
/// }
/// ```
///
/// This is how events published while every consumer was down for longer than the service
/// replays are recovered. 429 answers are retried by the cloud's ``RetryPolicy``.
///
/// Each entry of a page's `list` is read as one event: a `Msg` object as a JSON document holds
/// it (`{"topic":…,"operation":…,"timestamp":…,"DataPoint":{…}}`), or the same wrapped in
/// `{"Msg":…}` or `{"Document":{"Msg":…}}`. Entries that are none of these fail the sequence
/// with ``DeviceCloudError/Code/invalidResponse``.
public struct MonitorEventHistory: AsyncSequence, Sendable {
    /// One saved event.
    public typealias Element = MonitorEvent

    let monitors: Monitors
    /// The monitor.
    public let monitorID: UInt32
    /// The earliest time asked for, if any.
    public let from: Date?
    /// The time before which events are asked for, if any.
    public let to: Date?
    /// Events asked for per request.
    public let pageSize: Int

    /// An iterator that fetches the first page when first asked.
    public func makeAsyncIterator() -> CursorPagedIterator<MonitorEvent> {
        CursorPagedIterator { [self] cursor in
            let page = try await self.monitors.historyPage(
                id: self.monitorID,
                from: self.from,
                to: self.to,
                size: self.pageSize,
                cursor: cursor
            )
            return (try Self.events(of: page, monitorID: self.monitorID), page.cursor)
        }
    }
}

extension MonitorEventHistory {
    /// The page's entries as one JSON document, decoded by the push stream's scanner.
    static func events(of page: V1ListPage, monitorID: UInt32) throws -> [MonitorEvent] {
        guard !page.list.isEmpty else { return [] }
        var document = ByteBuffer(string: #"{"Document":{"Msg":["#)
        for (index, entry) in page.list.enumerated() {
            if index > 0 { document.writeString(",") }
            document.writeBytes(try Self.messages(in: entry, monitorID: monitorID))
        }
        document.writeString("]}}")
        do {
            return try DocumentDecoder.events(in: document, format: .json)
        } catch {
            throw DeviceCloudError(
                .invalidResponse,
                message: "a history page of monitor \(monitorID) holds an event that cannot be read: \(error)",
                monitorID: monitorID,
                underlying: error
            )
        }
    }

    /// An entry's `Msg` object(s), comma-separated.
    private static func messages(in entry: Data, monitorID: UInt32) throws -> Data {
        guard let object = try? JSONSerialization.jsonObject(with: entry) else {
            throw DeviceCloudError(.invalidResponse, message: "a history entry is not JSON", monitorID: monitorID)
        }
        var message: Any = object
        if let wrapper = object as? [String: Any], wrapper.count == 1 {
            if let document = wrapper["Document"] as? [String: Any], let inner = document["Msg"] {
                message = inner
            } else if let inner = wrapper["Msg"] {
                message = inner
            }
        }
        let items: [Any] = (message as? [Any]) ?? [message]
        var data = Data()
        for (index, item) in items.enumerated() {
            guard item is [String: Any] else {
                throw DeviceCloudError(.invalidResponse, message: "a history entry is not an event object", monitorID: monitorID)
            }
            if index > 0 { data.append(UInt8(ascii: ",")) }
            data.append(try JSONSerialization.data(withJSONObject: item, options: [.withoutEscapingSlashes]))
        }
        return data
    }
}

extension Monitors {
    /// The saved events of a persistent monitor between `from` and `to`, oldest first, read
    /// page by page from `/ws/v1/monitors/history/{id}` as the sequence is iterated.
    ///
    /// - Parameters:
    ///   - id: the monitor (it must be `persistent`).
    ///   - from: the earliest save time (`start_time`), or `nil` for the oldest kept.
    ///   - to: save times before this (`end_time`), or `nil` for up to now.
    ///   - pageSize: events per request; ``DeviceCloud/Configuration/pageSize`` when `nil`.
    public func history(_ id: UInt32, from: Date? = nil, to: Date? = nil, pageSize: Int? = nil) -> MonitorEventHistory {
        MonitorEventHistory(
            monitors: self,
            monitorID: id,
            from: from,
            to: to,
            pageSize: max(1, pageSize ?? self.cloud.configuration.pageSize)
        )
    }

    /// One page of a monitor's history.
    func historyPage(id: UInt32, from: Date?, to: Date?, size: Int, cursor: String?) async throws -> V1ListPage {
        var parameters: [(name: String, value: String)] = [("size", String(size))]
        if let from { parameters.append(("start_time", Self.timestamp(from))) }
        if let to { parameters.append(("end_time", Self.timestamp(to))) }
        if let cursor { parameters.append(("cursor", cursor)) }
        let answer = try await self.cloud.rest.send(
            .get,
            path: "v1/monitors/history/\(id)",
            query: parameters,
            accept: "application/json",
            monitorID: id
        )
        return try MonitorInventory.readPage(answer, monitorID: id)
    }

    /// ISO-8601 UTC with milliseconds, e.g. `2026-11-30T10:00:00.000Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
