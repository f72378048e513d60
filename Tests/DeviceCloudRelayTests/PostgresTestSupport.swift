import DeviceCloudPostgres
import DeviceCloudTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// The throwaway PostgreSQL that `.ci/run` starts (`DC_TEST_POSTGRES_URL`), if any.
enum TestPostgres {
    static let url: String? = ProcessInfo.processInfo.environment["DC_TEST_POSTGRES_URL"]
    static var isAvailable: Bool { url != nil }
    static let unavailableReason: Comment = "DC_TEST_POSTGRES_URL is not set: .ci/run starts a PostgreSQL for these tests"

    /// The server's own settings, pointing at `database`.
    static func configuration(database: String) throws -> PostgresEventSink.Configuration {
        let text = try #require(url)
        let components = try #require(URLComponents(string: text))
        return PostgresEventSink.Configuration(
            host: try #require(components.host),
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password,
            database: database
        )
    }

    /// Creates an empty database for one test and returns the sink settings for it.
    static func freshDatabase() async throws -> PostgresEventSink.Configuration {
        let text = try #require(url)
        let components = try #require(URLComponents(string: text))
        let server = try configuration(database: String(components.path.dropFirst()))
        let name = "relay_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: server.host, port: server.port, username: server.username, password: server.password,
                database: server.database, tls: .disable
            ),
            id: 1,
            logger: Logger(label: "test")
        )
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "test"))
        try await connection.close()
        return try configuration(database: name)
    }

    /// Runs a query on a connection of its own and returns the first column of each row as `Int`.
    static func integers(_ sql: String, in configuration: PostgresEventSink.Configuration) async throws -> [Int] {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: .disable
            ),
            id: 2,
            logger: Logger(label: "test")
        )
        var values: [Int] = []
        do {
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")).decode(Int.self) {
                values.append(value)
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return values
    }
}

/// A PostgreSQL server of one test's own, for tests that restart it (restarting the shared one
/// would cut the other tests' connections). Needs `DC_TEST_POSTGRES_BIN`, which `.ci/run` sets.
struct PrivatePostgres: Sendable {
    let bin: String
    let folder: String
    let port: Int

    /// The sink settings for the server's `postgres` database.
    var configuration: PostgresEventSink.Configuration {
        PostgresEventSink.Configuration(host: "127.0.0.1", port: self.port, username: "postgres", database: "postgres")
    }

    /// `initdb` into a temporary folder as the postgres system user (the server refuses root),
    /// trust authentication, a free port on 127.0.0.1; then starts it. With `tls`, the server
    /// also offers TLS with the test CA's certificate for `localhost` and `127.0.0.1`.
    ///
    /// `initdb` and `pg_ctl` take seconds; they run on a thread of their own, so the two threads
    /// of Swift's cooperative pool (on a 2-core machine) stay free for the tests beside this one.
    static func start(tls: Bool = false) async throws -> PrivatePostgres {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PrivatePostgres, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try Self.startBlocking(tls: tls) }) }
            thread.start()
        }
    }

    private static func startBlocking(tls: Bool) throws -> PrivatePostgres {
        let bin = try #require(ProcessInfo.processInfo.environment["DC_TEST_POSTGRES_BIN"], "DC_TEST_POSTGRES_BIN is not set")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let setup = PrivatePostgres(bin: bin, folder: folder, port: 0)
        try setup.shell("chown postgres '\(folder)'", asPostgres: false)
        try setup.shell("'\(bin)/initdb' -D '\(folder)/db' -U postgres --auth=trust -E UTF8")
        var tlsOptions = ""
        if tls {
            // The server reads its key only when the postgres user owns it and no one else can read it.
            for name in ["server.pem", "server-key.pem"] {
                try FileManager.default.copyItem(atPath: TestCertificates.path(name), toPath: "\(folder)/\(name)")
            }
            try setup.shell("chown postgres '\(folder)/server.pem' '\(folder)/server-key.pem' && chmod 600 '\(folder)/server-key.pem'", asPostgres: false)
            tlsOptions = " -c ssl=on -c ssl_cert_file='\(folder)/server.pem' -c ssl_key_file='\(folder)/server-key.pem'"
        }
        // A port found free may be taken by another socket before the server binds it (an
        // outgoing connection's ephemeral port, say): then start again on another.
        func start(_ server: PrivatePostgres) -> String {
            let options = "-c listen_addresses=127.0.0.1 -p \(server.port) -k '\(folder)'" + tlsOptions
            return "'\(bin)/pg_ctl' -D '\(folder)/db' -l '\(folder)/server.log' -w -o \"\(options)\" start"
        }
        for _ in 1...2 {
            let server = PrivatePostgres(bin: bin, folder: folder, port: try freePort())
            if server.run(start(server)) == 0 { return server }
        }
        let server = PrivatePostgres(bin: bin, folder: folder, port: try freePort())
        try server.shell(start(server))
        return server
    }

    /// `pg_ctl restart -m immediate`: every connection is cut, nothing committed is lost.
    ///
    /// `pg_ctl` waits seconds for the server to come back; it waits on a thread of its own, so
    /// the two threads of Swift's cooperative pool (on a 2-core machine) stay free for the relays
    /// that must notice the restart.
    func restart() async throws {
        let command = "'\(self.bin)/pg_ctl' -D '\(self.folder)/db' -m immediate -w restart"
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let thread = Thread { continuation.resume(returning: self.run(command)) }
            thread.start()
        }
        try #require(status == 0, "failed (\(status)): \(command)")
    }

    /// Stops the server and removes its folder.
    func stop() {
        try? self.shell("'\(self.bin)/pg_ctl' -D '\(self.folder)/db' -m immediate -w stop")
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// Runs a command with system(3), which waits for it (Process's own wait can hang here).
    private func shell(_ command: String, asPostgres: Bool = true) throws {
        let status = self.run(command, asPostgres: asPostgres)
        try #require(status == 0, "failed (\(status)): \(command)")
    }

    /// `command`'s exit status (as the postgres system user unless told otherwise).
    private func run(_ command: String, asPostgres: Bool = true) -> Int32 {
        let line = asPostgres ? "su postgres -s /bin/sh -c \"\(command.replacingOccurrences(of: "\"", with: "\\\""))\"" : command
        return system(line + " > /dev/null 2>&1")
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        try #require(bound, "no free port")
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
