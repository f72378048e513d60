public import DeviceCloudSimulator

/// Runs a ``Simulator`` on 127.0.0.1 (ephemeral ports, the ``TestAccount``) for the duration of
/// `body`, which starts once the HTTP server listens. The simulator is shut down gracefully
/// when `body` returns or throws.
public func withSimulator<Result: Sendable>(
    configuration: Simulator.Configuration = Simulator.Configuration(
        username: TestAccount.username,
        password: TestAccount.password
    ),
    _ body: (Simulator) async throws -> Result
) async throws -> Result {
    let simulator = try await Simulator.bind(configuration: configuration)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await simulator.run() }
        let result: Swift.Result<Result, any Error>
        do {
            try await simulator.waitUntilListening()
            result = .success(try await body(simulator))
        } catch {
            result = .failure(error)
        }
        await simulator.shutDown()
        do {
            try await group.waitForAll()
        } catch {
            // The body's own failure says more than the simulator's.
            _ = try result.get()
            throw error
        }
        return try result.get()
    }
}
