import Hummingbird
import NIOCore

/// What became of reading a request's body against a deadline.
enum CollectedBody: Sendable {
    /// The whole body.
    case complete(ByteBuffer)
    /// The body is longer than allowed.
    case tooLarge
    /// The deadline passed before the body ended.
    case deadlinePassed
    /// The body could not be read (the connection failed or closed, or the read was cancelled).
    case failed(any Error)
}

extension RequestBody {
    /// Reads the whole body, at most `maximumSize` bytes, unless `deadline` passes first.
    ///
    /// When the deadline wins, the read is cancelled and the rest of the body is never read:
    /// the caller answers and the connection is closed (see ``RequestReadGuard``).
    func collect(upTo maximumSize: Int, until deadline: ContinuousClock.Instant) async -> CollectedBody {
        await withTaskGroup(of: CollectedBody.self, returning: CollectedBody.self) { group in
            group.addTask {
                do {
                    let body = try await self.collect(upTo: maximumSize)
                    // A cancelled read ends the stream early, which reads as a short body.
                    if Task.isCancelled { return .failed(CancellationError()) }
                    return .complete(body)
                } catch is NIOTooManyBytesError {
                    return .tooLarge
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return .deadlinePassed
                } catch {
                    return .failed(error)
                }
            }
            let first = await group.next() ?? .failed(CancellationError())
            group.cancelAll()
            return first
        }
    }
}
