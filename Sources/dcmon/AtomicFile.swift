import Foundation

#if canImport(Glibc)
import Glibc

private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin

private let systemWrite = Darwin.write
#endif

/// Writes a file whole or not at all, never through a symbolic link: the bytes go to a new
/// temporary file beside the target (created exclusively), are synced, and the temporary file is
/// renamed over the target. A link at the target is replaced, not followed.
enum AtomicFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func write(_ data: Data, to path: String, permissions: mode_t = 0o644) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw Failure(description: "cannot create a file beside it (errno \(errno))") }
        var written = 0
        let ok = data.withUnsafeBytes { bytes -> Bool in
            while written < bytes.count {
                let result = systemWrite(descriptor, bytes.baseAddress?.advanced(by: written), bytes.count - written)
                guard result > 0 else { return false }
                written += result
            }
            return fsync(descriptor) == 0
        }
        close(descriptor)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot write or rename the file (errno \(errno))")
        }
    }
}
