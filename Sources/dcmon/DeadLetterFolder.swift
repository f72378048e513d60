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
        do {
            try batch.document.withUnsafeReadableBytes { try SyncedFile.create(at: file, permissions: 0o600, bytes: $0) }
        } catch {
            throw CommandFailure("cannot save the block: \(error)")
        }
        let folder = open(self.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
        return file
    }
}
