import Foundation
import GRDB
import Testing

/// Makes a file unwritable even for root (the immutable attribute), or by permissions when
/// not root.
func makeReadOnly(_ path: String) throws {
    if geteuid() != 0 {
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        return
    }
    let status = try run("/usr/bin/chattr", ["+i", path])
    try #require(status == 0, "chattr +i \(path) failed: this test needs a file system with the immutable attribute")
}

/// Undoes ``makeReadOnly(_:)``.
func makeWritable(_ path: String) {
    if geteuid() != 0 {
        try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
    } else {
        _ = try? run("/usr/bin/chattr", ["-i", path])
    }
}

/// Stamps a later schema version into a relay database.
func bumpSchemaVersion(_ path: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in try db.execute(sql: "INSERT INTO relay_schema (version) VALUES (99)") }
}

private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}
