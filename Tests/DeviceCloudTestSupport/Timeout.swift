/// Thrown by ``withTimeout(_:_:)`` when the body did not finish in time.
public struct TestTimeout: Error, CustomStringConvertible {
    /// The limit that passed.
    public let limit: Duration
    public var description: String { "timed out after \(self.limit)" }
}

/// Runs `body`, failing with ``TestTimeout`` if it takes longer than `limit`.
///
/// The limit is a guard against hangs, not a way to wait: the body awaits the event it needs.
@discardableResult
public func withTimeout<Result: Sendable>(
    _ limit: Duration = .seconds(20),
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw TestTimeout(limit: limit)
        }
        return result
    }
}
