import DeviceCloudProtocol
import NIOCore
import Synchronization

/// The push server's accepted connections that its accept loop has not taken yet.
///
/// NIO hands an accepted connection's writer to its owner when the connection becomes active.
/// A connection accepted while the server shuts down may never reach the accept loop. If
/// nothing else held it, its unfinished writer would be released then, which is a fatal error.
/// Held here, it is closed with its writer finished once the loop has ended.
final class AcceptedConnections: Sendable {
    private let waiting = Mutex<[ObjectIdentifier: NIOAsyncChannel<PushMessage, ByteBuffer>]>([:])

    /// Holds a connection from the moment it is set up.
    func hold(_ connection: NIOAsyncChannel<PushMessage, ByteBuffer>) {
        self.waiting.withLock { $0[ObjectIdentifier(connection.channel)] = connection }
    }

    /// Hands a connection to the loop that serves it.
    func take(_ connection: NIOAsyncChannel<PushMessage, ByteBuffer>) {
        _ = self.waiting.withLock { $0.removeValue(forKey: ObjectIdentifier(connection.channel)) }
    }

    /// Closes every connection the loop never took, finishing its writer.
    func closeUntaken() async {
        let untaken = self.waiting.withLock { waiting in
            defer { waiting = [:] }
            return Array(waiting.values)
        }
        for connection in untaken {
            try? await connection.executeThenClose { _, _ in }
        }
    }
}
