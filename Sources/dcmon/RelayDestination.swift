import Foundation

/// Where `dcmon relay` stores events: `sqlite:PATH` or `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`.
///
/// The password (from the URL or `DC_RELAY_DB_PASSWORD`) is never part of ``description``.
enum RelayDestination: CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresTarget)

    /// A PostgreSQL database, with its password kept out of every message.
    struct PostgresTarget {
        // A plain record of its own fields; alike in shape to other records, not in meaning.
        var host: String
        var port: Int
        var username: String
        var password: String?
        var database: String
        var tls: Bool
        /// A PEM file of roots to verify the server's certificate with (`sslrootcert`), instead
        /// of the system's.
        var rootCertificates: String?
    }

    init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw CommandFailure("--to sqlite: needs a file path, e.g. sqlite:events.sqlite") }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let components = URLComponents(string: text), let host = components.host, !host.isEmpty
        else {
            throw CommandFailure("--to must be sqlite:PATH or postgres://USER@HOST:PORT/DB")
        }
        guard let username = components.user, !username.isEmpty else {
            throw CommandFailure("--to postgres://… needs a user name: postgres://USER@HOST:PORT/DB")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw CommandFailure("--to postgres://… needs a database name: postgres://USER@HOST:PORT/DB") }
        let sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value
        let rootCertificates = components.queryItems?.first(where: { $0.name == "sslrootcert" })?.value
        self = .postgres(
            PostgresTarget(
                host: host,
                port: components.port ?? 5432,
                username: username,
                password: environment["DC_RELAY_DB_PASSWORD"] ?? components.password,
                database: database,
                // The certificate is always verified (host name included) once TLS is on.
                tls: sslMode.map { $0 != "disable" } ?? (rootCertificates != nil),
                rootCertificates: rootCertificates
            )
        )
    }

    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let target): "postgres://\(target.username)@\(target.host):\(target.port)/\(target.database)"
        }
    }
}
