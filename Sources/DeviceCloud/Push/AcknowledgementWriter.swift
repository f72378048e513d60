import DeviceCloudProtocol
import NIOCore
import Synchronization

/// Queues PublishMessageReceived messages for one push connection and writes them in batches:
/// every acknowledgement made before the event loop gets to them goes out with a single flush.
final class AcknowledgementWriter: BlockAcknowledging {
    private struct Pending {
        var blockIDs: [UInt16] = []
        var isFlushScheduled = false
    }

    private let channel: any Channel
    private let pending = Mutex(Pending())

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Queues an acknowledgement; `false` when the connection is already closed.
    func acknowledge(blockID: UInt16) -> Bool {
        guard self.channel.isActive else { return false }
        let mustSchedule = self.pending.withLock { pending in
            pending.blockIDs.append(blockID)
            defer { pending.isFlushScheduled = true }
            return !pending.isFlushScheduled
        }
        if mustSchedule {
            self.channel.eventLoop.execute { self.flush() }
        }
        return true
    }

    private func flush() {
        let blockIDs = self.pending.withLock { pending in
            defer { pending = Pending() }
            return pending.blockIDs
        }
        for blockID in blockIDs {
            self.channel.write(PushMessage.publishMessageReceived(PublishMessageReceived(blockID: blockID)), promise: nil)
        }
        self.channel.flush()
    }
}
