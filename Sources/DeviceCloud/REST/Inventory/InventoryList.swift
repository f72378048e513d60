public import DeviceCloudProtocol

/// v1 monitors, fetched lazily one page at a time by following each page's `cursor`; a page
/// without one is the last (and so is a page that repeats a cursor already followed, so a
/// misbehaving server cannot loop it).
public struct InventoryList: AsyncSequence, Sendable {
    /// A monitor in v1 field names.
    public typealias Element = InventoryMonitor

    let inventory: MonitorInventory
    /// The service's query, or `nil` for every monitor.
    public let query: String?
    /// The order, e.g. `id desc`.
    public let orderBy: String?
    /// Monitors asked for per request.
    public let pageSize: Int

    /// An iterator that fetches the first page when first asked.
    public func makeAsyncIterator() -> CursorPagedIterator<InventoryMonitor> {
        CursorPagedIterator { [self] cursor in
            let page = try await self.inventory.page(query: self.query, orderBy: self.orderBy, size: self.pageSize, cursor: cursor)
            return (page.list.compactMap { try? InventoryMonitor(json: $0) }, page.cursor)
        }
    }
}
