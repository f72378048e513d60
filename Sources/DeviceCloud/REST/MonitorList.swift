public import DeviceCloudProtocol

/// The monitors matching a condition, fetched lazily one page at a time.
///
/// Each page asks for `start`/`size`; iteration goes on while the service reports
/// `remainingSize` above 0 (and stops on an empty page, so a misbehaving server cannot loop
/// it). Paging is by offset, as the service's: monitors created or deleted meanwhile may shift
/// the pages.
public struct MonitorList: AsyncSequence, Sendable {
    /// A monitor actor of its transport.
    public typealias Element = any Monitor

    let monitors: Monitors
    /// The filter, or `nil` for every monitor.
    public let condition: MonitorCondition?
    /// Monitors asked for per request.
    public let pageSize: Int

    /// An iterator that fetches the first page when first asked.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(list: self)
    }

    /// Fetches a page when the previous one is used up.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let list: MonitorList
        private var buffered: [MonitorRecord] = []
        private var position = 0
        private var nextStart = 0
        private var isLastPage = false

        init(list: MonitorList) {
            self.list = list
        }

        /// The next monitor, fetching the next page when needed; `nil` after the last.
        ///
        /// - Throws: ``DeviceCloudError``.
        public mutating func next() async throws -> (any Monitor)? {
            while self.position == self.buffered.count {
                guard !self.isLastPage else { return nil }
                let page = try await self.list.monitors.page(
                    start: self.nextStart,
                    size: self.list.pageSize,
                    condition: self.list.condition
                )
                self.buffered = page.items
                self.position = 0
                self.nextStart += page.items.count
                self.isLastPage = page.remainingSize <= 0 || page.items.isEmpty
            }
            defer { self.position += 1 }
            return makeMonitor(self.buffered[self.position], cloud: self.list.monitors.cloud)
        }
    }
}
