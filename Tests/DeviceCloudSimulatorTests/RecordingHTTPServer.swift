import DeviceCloudTestSupport
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A customer server for HTTP monitors, on 127.0.0.1: accepts PUT and POST on `/hook/{name}`,
/// checks basic authentication, can be told to fail, and records every request. Tests await
/// what it has recorded instead of sleeping.
final class RecordingHTTPServer: Sendable {
    /// One request as received.
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: ByteBuffer
        /// The status the server answered.
        var status: Int
    }

    private struct Waiter {
        let condition: @Sendable ([Request]) -> Bool
        let continuation: CheckedContinuation<[Request], any Error>
    }

    private struct State {
        var requests: [Request] = []
        var failuresLeft = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    /// The `Authorization` value requests must carry.
    let expectedAuthorization: String
    private let state = Mutex(State())

    init(username: String, password: String) {
        self.expectedAuthorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// Every request so far.
    var requests: [Request] { self.state.withLock { $0.requests } }

    /// Answers the next `count` authenticated requests with 503 (`Int.max`: all of them).
    func fail(next count: Int) {
        self.state.withLock { $0.failuresLeft = count }
    }

    /// Waits until the recorded requests satisfy `condition`.
    @discardableResult
    func wait(until condition: @escaping @Sendable ([Request]) -> Bool) async throws -> [Request] {
        let id = self.state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<[Request], any Error>? = self.state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if condition(state.requests) { return .success(state.requests) }
                    state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Runs the server for the duration of `body`, which gets its base URL (`http://127.0.0.1:port`).
    func run<Result: Sendable>(_ body: (String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.put("hook/:name") { request, _ in try await self.handle(request) }
        router.post("hook/:name") { request, _ in try await self.handle(request) }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "recording-receiver"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }
        )
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: Logger(label: "recording-receiver")))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let result: Swift.Result<Result, any Error>
            do {
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else { throw CancellationError() }
                result = .success(try await body("http://127.0.0.1:\(port)"))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    private func handle(_ request: Hummingbird.Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        let authorized = headers["authorization"] == self.expectedAuthorization
        let ready: ([CheckedContinuation<[Request], any Error>], [Request], Int) = self.state.withLock { state in
            var status = 200
            if !authorized {
                status = 401
            } else if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                status = 503
            }
            state.requests.append(
                // The request line's target as sent (not `uri.path`, which has been seen to misreport).
                Request(method: request.method.rawValue, path: request.head.path ?? "", headers: headers, body: body, status: status)
            )
            var ready: [CheckedContinuation<[Request], any Error>] = []
            for (id, waiter) in state.waiters where waiter.condition(state.requests) {
                ready.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return (ready, state.requests, status)
        }
        for continuation in ready.0 {
            continuation.resume(returning: ready.1)
        }
        return Response(status: HTTPResponse.Status(code: ready.2))
    }
}
