import Foundation
import Hummingbird

/// Counts every request before anything else looks at it.
struct RequestCountingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let count: @Sendable () -> Void

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        self.count()
        return try await next(request, context)
    }
}

/// Answers 429 while the simulator's throttling says so.
struct ThrottlingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let throttling: SimulatorThrottling

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !self.throttling.admitsThrottling() else {
            return SimulatorResponse.error(.tooManyRequests, "too many requests; retry later")
        }
        return try await next(request, context)
    }
}

/// Checks HTTP basic authentication against the store's account, or the configured API key
/// (`X-API-KEY-ID` and `X-API-KEY-SECRET`); 401 otherwise.
struct BasicAuthenticationMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let store: MonitorStore
    let apiKey: Simulator.APIKey?

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let id = Self.header("X-API-KEY-ID", of: request), let secret = Self.header("X-API-KEY-SECRET", of: request) {
            guard let apiKey = self.apiKey, apiKey.matches(id: id, secret: secret) else {
                return SimulatorResponse.error(.unauthorized, "unknown API key")
            }
            return try await next(request, context)
        }
        guard let (username, password) = Self.credentials(request.headers[.authorization]),
            self.store.authenticate(username: username, password: password)
        else {
            return SimulatorResponse.error(.unauthorized, "authentication required")
        }
        return try await next(request, context)
    }

    /// A header's value, when the request carries it.
    static func header(_ name: String, of request: Request) -> String? {
        let lowered = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lowered }?.value
    }

    /// The user and password of a `Basic` authorization header.
    static func credentials(_ header: String?) -> (username: String, password: String)? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        let encoded = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let data = Data(base64Encoded: encoded), let pair = String(data: data, encoding: .utf8),
            let colon = pair.firstIndex(of: ":")
        else { return nil }
        return (String(pair[..<colon]), String(pair[pair.index(after: colon)...]))
    }
}
