import Foundation

#if canImport(Glibc)
import Glibc

private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin

private let systemWrite = Darwin.write
#endif

/// Files written whole and synced before anyone relies on them (dead letters, the simulator's CA).
enum SyncedFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates a new file (never an existing one, never through a link), writes every byte and
    /// syncs it to disk.
    static func create(at path: String, permissions: mode_t, bytes: UnsafeRawBufferPointer) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(path) (errno \(errno))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = systemWrite(descriptor, bytes.baseAddress?.advanced(by: written), bytes.count - written)
            guard result > 0 else { throw Failure(description: "cannot write \(path) (errno \(errno))") }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw Failure(description: "cannot sync \(path) (errno \(errno))") }
    }

    /// Writes a file whole or not at all, never through a symbolic link: the bytes go to a new
    /// temporary file beside the target, are synced, and the temporary file is renamed over the
    /// target. A link at the target is replaced, not followed.
    static func replace(_ data: Data, at path: String, permissions: mode_t = 0o644) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try data.withUnsafeBytes { try self.create(at: temporary, permissions: permissions, bytes: $0) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot rename the file over \(path) (errno \(errno))")
        }
    }
}
