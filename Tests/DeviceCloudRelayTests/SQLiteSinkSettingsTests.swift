@testable import DeviceCloudSQLite
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
}
