import DeviceCloud
import DeviceCloudProtocol
@testable import DeviceCloudSQLite
import DeviceCloudTestSupport
import Foundation
import GRDB
import Testing

@Suite("SQLite sink settings, as SQLite reports them")
struct SQLiteSinkSettingsTests {
    @Test("the default durability is synchronous=FULL on the write-ahead log, with 32 KiB pages")
    func fullByDefault() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let sink = try SQLiteEventSink(path: database.path)
        #expect(try await sink.pragma("journal_mode") == "wal")
        // 2 is FULL: every commit is fsynced before write(_:) returns.
        #expect(try await sink.pragma("synchronous") == "2")
        #expect(try await sink.pragma("page_size") == "32768")
    }

    @Test("synchronous=NORMAL when asked for")
    func normalWhenAsked() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let sink = try SQLiteEventSink(path: database.path, configuration: .init(synchronous: .normal))
        #expect(try await sink.pragma("synchronous") == "1")
    }

    @Test("received_at is the transaction's time, in the schema's format, on every row")
    func receivedAt() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let sink = try SQLiteEventSink(path: database.path)
        let block = try SampleEvents.block(1, events: 5)
        let decoded = try BlockDecoder().decode(block)
        let batch = MonitorBatch(
            monitorID: 1, blockID: 1, compression: block.compression, format: block.format, document: decoded.document,
            events: decoded.events, acknowledgement: nil)
        let before = Date()
        let receipt = try await sink.write([batch])
        #expect(receipt.inserted == 5)
        var configuration = Configuration()
        configuration.readonly = true
        let times = try await DatabaseQueue(path: database.path, configuration: configuration).read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT received_at FROM monitor_events")
        }
        #expect(times.count == 1)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let time = try #require(times.first.flatMap { formatter.date(from: $0) }, "\(times)")
        #expect(abs(time.timeIntervalSince(before)) < 5)
    }
}
