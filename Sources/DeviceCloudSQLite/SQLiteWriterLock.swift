#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file beside the database, held while a sink is open, so that a
/// second relay on the same database fails at once with a clear error.
///
/// The kernel releases it when the process ends, however it ends (`kill -9` included), so a
/// crashed relay never leaves the database locked. It is a separate file because closing any
/// descriptor of the database file itself would drop SQLite's own locks.
final class SQLiteWriterLock: Sendable {
    private let descriptor: Int32

    /// The lock file's path for a database path.
    static func path(for databasePath: String) -> String { databasePath + "-relay-lock" }

    init(databasePath: String) throws(SQLiteSinkError) {
        let path = Self.path(for: databasePath)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw SQLiteSinkError(
                errno == EROFS || errno == EACCES ? .readOnly : .cannotOpen,
                "cannot create the lock file \(path) beside the database: \(reason)")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy {
                throw SQLiteSinkError(
                    .databaseInUse,
                    "another relay is writing to \(databasePath) (it holds \(path)); run one relay per SQLite file, or use PostgreSQL to share monitors between relays"
                )
            }
            throw SQLiteSinkError(.cannotOpen, "cannot lock \(path): \(reason)")
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(self.descriptor, LOCK_UN)
        close(self.descriptor)
    }
}
