import DeviceCloudProtocol
import Foundation
import NIOCore

/// The saved events of one persistent monitor, oldest first, bounded by
/// ``MonitorHistoryLimits`` (events and bytes). Each entry keeps the event's JSON `Msg` object,
/// the time the service saved it and a sequence number that pages use as their cursor.
struct MonitorHistory: Sendable {
    struct Entry: Sendable {
        var sequence: Int
        var savedAt: Date
        var json: Data
    }

    /// What one page of the history holds.
    struct Page: Sendable {
        var entries: [Entry]
        /// The cursor of the next page, or `nil` when this page is the last.
        var nextCursor: Int?
    }

    private(set) var entries: [Entry] = []
    private var bytes = 0
    private var nextSequence = 0
    let limits: MonitorHistoryLimits

    init(limits: MonitorHistoryLimits) {
        self.limits = limits
    }

    /// Saves an event, dropping the oldest while a bound is passed.
    mutating func append(_ event: DocumentWriter.Event, savedAt: Date) {
        var buffer = ByteBuffer()
        DocumentWriter.writeJSONMessage(event, into: &buffer)
        let json = Data(buffer.readableBytesView)
        self.entries.append(Entry(sequence: self.nextSequence, savedAt: savedAt, json: json))
        self.nextSequence += 1
        self.bytes += json.count
        var dropped = 0
        while dropped < self.entries.count - 1,
            self.entries.count - dropped > self.limits.maximumEvents || self.bytes > self.limits.maximumBytes
        {
            self.bytes -= self.entries[dropped].json.count
            dropped += 1
        }
        if dropped > 0 { self.entries.removeFirst(dropped) }
    }

    /// The entries saved in `[from, to)` from sequence `cursor` on, at most `size`.
    func page(from: Date?, to: Date?, cursor: Int, size: Int) -> Page {
        var selected: [Entry] = []
        var nextCursor: Int?
        for entry in self.entries where entry.sequence >= cursor {
            if let from, entry.savedAt < from { continue }
            if let to, entry.savedAt >= to { continue }
            if selected.count == size {
                nextCursor = entry.sequence
                break
            }
            selected.append(entry)
        }
        return Page(entries: selected, nextCursor: nextCursor)
    }
}
