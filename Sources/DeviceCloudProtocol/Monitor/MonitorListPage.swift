/// One page of a `GET /ws/Monitor` answer: the paging counters and the monitors on the page.
///
/// A client pages by asking for `start` = ``requestedStart`` + ``resultSize`` until
/// ``remainingSize`` is 0.
public struct MonitorListPage: Sendable, Hashable {
    /// `resultTotalRows`: monitors matching the query in all pages.
    public var totalRows: Int
    /// `requestedStartRow`: the offset asked for.
    public var requestedStart: Int
    /// `resultSize`: monitors on this page.
    public var resultSize: Int
    /// `requestedSize`: the page size asked for.
    public var requestedSize: Int
    /// `remainingSize`: matching monitors after this page.
    public var remainingSize: Int
    /// The monitors on this page.
    public var items: [MonitorRecord]

    /// Creates a page.
    public init(
        totalRows: Int,
        requestedStart: Int,
        resultSize: Int,
        requestedSize: Int,
        remainingSize: Int,
        items: [MonitorRecord]
    ) {
        self.totalRows = totalRows
        self.requestedStart = requestedStart
        self.resultSize = resultSize
        self.requestedSize = requestedSize
        self.remainingSize = remainingSize
        self.items = items
    }

    /// The page holding `items[start..<start + size]` of all matching `items`.
    public init(slicing items: [MonitorRecord], start: Int, size: Int) {
        let lower = min(max(0, start), items.count)
        let upper = min(items.count, lower + max(0, size))
        self.init(
            totalRows: items.count,
            requestedStart: start,
            resultSize: upper - lower,
            requestedSize: size,
            remainingSize: items.count - upper,
            items: Array(items[lower..<upper])
        )
    }

    /// The counters in document order.
    var counters: [(name: String, value: Int)] {
        [
            ("resultTotalRows", self.totalRows),
            ("requestedStartRow", self.requestedStart),
            ("resultSize", self.resultSize),
            ("requestedSize", self.requestedSize),
            ("remainingSize", self.remainingSize),
        ]
    }

    /// Builds a page from counters read by name; missing ones are derived from the items.
    init(counters: [String: String], items: [MonitorRecord]) {
        func value(_ name: String) -> Int? { counters[name].flatMap(MonitorElementText.integer) }
        self.init(
            totalRows: value("resultTotalRows") ?? items.count,
            requestedStart: value("requestedStartRow") ?? 0,
            resultSize: value("resultSize") ?? items.count,
            requestedSize: value("requestedSize") ?? items.count,
            remainingSize: value("remainingSize") ?? 0,
            items: items
        )
    }
}
