/// Iterates a v1 list one page at a time by following each page's `cursor`: the iterator of
/// ``InventoryList`` and of ``MonitorEventHistory``.
///
/// A page without a cursor is the last, and so is a page that repeats a cursor already followed,
/// so a misbehaving server cannot loop it.
public struct CursorPagedIterator<Element: Sendable>: AsyncIteratorProtocol {
    /// Fetches the page at a cursor (`nil` for the first) and returns its elements and the next cursor.
    typealias FetchPage = @Sendable (_ cursor: String?) async throws -> (elements: [Element], cursor: String?)

    private let fetch: FetchPage
    private var buffered: [Element] = []
    private var position = 0
    private var cursor: String?
    private var followed: Set<String> = []
    private var isLastPage = false

    init(fetch: @escaping FetchPage) {
        self.fetch = fetch
    }

    /// The next element, fetching the next page when needed; `nil` after the last.
    ///
    /// - Throws: ``DeviceCloudError``.
    public mutating func next() async throws -> Element? {
        while self.position == self.buffered.count {
            guard !self.isLastPage else { return nil }
            let page = try await self.fetch(self.cursor)
            self.buffered = page.elements
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
