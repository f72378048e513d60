import Foundation
public import NIOCore

/// Any Remote Manager web service, one call away: `/ws/DeviceCore`, `/ws/v1/…`, anything the
/// package does not wrap.
///
/// ```swift
/// let answer = try await cloud.webService.send(.get, path: "/ws/DeviceCore", query: [("size", "1")],
///                                              headers: [("Accept", "application/json")])
/// print(answer.status, String(buffer: answer.body))
/// ```
///
/// Requests share everything with the rest of the client: the configured ``DeviceCloud/Authentication``,
/// the ``RetryPolicy`` for 429 answers, ``DeviceCloud/Configuration/requestTimeout`` as a deadline
/// for each attempt from its start to the last byte of the answer,
/// ``DeviceCloud/Configuration/maximumResponseSize``, and errors free of secrets.
public struct WebService: Sendable {
    /// An HTTP method; any token the service accepts can be written as `Method(rawValue:)`.
    public struct Method: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The method's name, e.g. `GET`.
        public var rawValue: String

        /// Creates a method from its name (upper case is what the service expects).
        public init(rawValue: String) { self.rawValue = rawValue }

        /// `GET`.
        public static let get = Method(rawValue: "GET")
        /// `POST`.
        public static let post = Method(rawValue: "POST")
        /// `PUT`.
        public static let put = Method(rawValue: "PUT")
        /// `DELETE`.
        public static let delete = Method(rawValue: "DELETE")
        /// `HEAD`.
        public static let head = Method(rawValue: "HEAD")
        /// `PATCH`.
        public static let patch = Method(rawValue: "PATCH")

        /// The method's name.
        public var description: String { self.rawValue }
    }

    /// A 2xx answer.
    public struct Response: Sendable {
        /// The HTTP status (200…299).
        public var status: Int
        /// The answer's headers, in order, as received.
        public var headers: [(name: String, value: String)]
        /// The whole body.
        public var body: ByteBuffer

        /// The first value of a header, compared case-insensitively, or `nil`.
        public func header(_ name: String) -> String? {
            self.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    let transport: MonitorWebService

    /// Sends one request and returns the service's 2xx answer.
    ///
    /// - Parameters:
    ///   - method: e.g. `.get`.
    ///   - path: the web service, with or without its `/ws/` prefix: `/ws/DeviceCore`,
    ///     `DeviceCore` and `v1/monitors/inventory` all work. Sent as given (percent-encode
    ///     anything a path cannot hold).
    ///   - query: parameters, percent-encoded here (names and values are taken literally).
    ///   - headers: extra headers, e.g. `Accept` or `Content-Type`. The authentication headers
    ///     (`Authorization`, `X-API-KEY-ID`, `X-API-KEY-SECRET`) are the cloud's and cannot be
    ///     given here.
    ///   - body: the request body, if any.
    /// - Returns: status, headers and body of a 2xx answer.
    /// - Throws: ``DeviceCloudError``: the status and the start of the body for any answer
    ///   outside 2xx (429 after the retries), ``DeviceCloudError/Code/timedOut`` when an attempt
    ///   outlives the request timeout, ``DeviceCloudError/Code/invalidArgument`` for an
    ///   authentication header; `CancellationError` when the task is cancelled.
    public func send(
        _ method: Method,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: ByteBuffer? = nil
    ) async throws -> Response {
        let reserved = ["authorization", "x-api-key-id", "x-api-key-secret"]
        if let header = headers.first(where: { reserved.contains($0.name.lowercased()) }) {
            throw DeviceCloudError(
                .invalidArgument,
                message: "the \(header.name) header is the cloud's own; configure the authentication instead",
                attempts: 0
            )
        }
        var relative = Substring(path)
        while relative.hasPrefix("/") { relative = relative.dropFirst() }
        if relative.hasPrefix("ws/") { relative = relative.dropFirst(3) }
        let answer = try await self.transport.send(
            method,
            path: String(relative),
            query: query,
            headers: headers,
            body: body,
            contentType: nil
        )
        return Response(status: answer.status, headers: answer.headers, body: answer.body)
    }
}

extension DeviceCloud {
    /// Any web service of the account, with the cloud's authentication, retries and timeouts.
    public var webService: WebService { WebService(transport: self.rest) }
}
