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
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(list: self)
    }

    /// Fetches a page when the previous one is used up.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let list: InventoryList
        private var buffered: [InventoryMonitor] = []
        private var position = 0
        private var cursor: String?
        private var followed: Set<String> = []
        private var isLastPage = false

        init(list: InventoryList) {
            self.list = list
        }

        /// The next monitor, fetching the next page when needed; `nil` after the last.
        ///
        /// - Throws: ``DeviceCloudError``.
        public mutating func next() async throws -> InventoryMonitor? {
            while self.position == self.buffered.count {
                guard !self.isLastPage else { return nil }
                let page = try await self.list.inventory.page(
                    query: self.list.query,
                    orderBy: self.list.orderBy,
                    size: self.list.pageSize,
                    cursor: self.cursor
                )
                self.buffered = page.list.compactMap { try? InventoryMonitor(json: $0) }
                self.position = 0
                if let next = page.cursor, !next.isEmpty, self.followed.insert(next).inserted {
                    self.cursor = next
                } else {
                    self.isLastPage = true
                }
            }
            defer { self.position += 1 }
            return self.buffered[self.position]
        }
    }
}
