import DeviceCloud
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `dcmon listen --dead-letter DIR` keeps blocks that could not be decoded: one file per
/// block, written and synced before the block is acknowledged, so a skipped block is never lost.
struct DeadLetterFolder: Sendable {
    let path: String

    /// Checks that the folder exists (creating it) and can be written.
    init(path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create the dead-letter folder \(path): \(error.localizedDescription)")
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw CommandFailure("the dead-letter folder \(path) is not writable")
        }
        self.path = path
    }

    /// Writes the block's bytes (its document: inflated where that worked) to a new file named
    /// after the monitor, the block and the time, syncs the file and the folder, and returns its path.
    func store(_ batch: MonitorBatch) throws -> String {
        let stamp = Int64(Date().timeIntervalSince1970 * 1000)
        let name = "monitor-\(batch.monitorID)-block-\(batch.blockID)-\(stamp).bin"
        let file = (self.path as NSString).appendingPathComponent(name)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CommandFailure("cannot create \(file): errno \(errno)") }
        defer { close(descriptor) }
        var remaining = batch.document
        while remaining.readableBytes > 0 {
            let written = remaining.withUnsafeReadableBytes { bytes in
                write(descriptor, bytes.baseAddress, bytes.count)
            }
            guard written > 0 else { throw CommandFailure("cannot write \(file): errno \(errno)") }
            remaining.moveReaderIndex(forwardBy: written)
        }
        guard fsync(descriptor) == 0 else { throw CommandFailure("cannot sync \(file): errno \(errno)") }
        let folder = open(self.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
        return file
    }
}
