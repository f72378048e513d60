import AsyncHTTPClient
import DeviceCloudProtocol
import Foundation
import Logging
import NIOCore

/// Sends `/ws/…` requests: the configured authentication, 429 retries, a deadline per attempt
/// from its start to the last byte, answers mapped to ``DeviceCloudError``. Knows nothing of
/// monitors' documents.
struct MonitorWebService: Sendable {
    typealias Method = WebService.Method

    /// A 2xx answer.
    struct Answer: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: ByteBuffer

        var contentType: String? {
            self.headers.first { $0.name.lowercased() == "content-type" }?.value
        }
    }

    /// `scheme://host[:port][/prefix]/ws/`, or why the URL cannot serve.
    let baseURL: Result<String, DeviceCloudError>
    let httpClient: HTTPClient
    let authentication: DeviceCloud.Authentication
    let retry: RetryPolicy
    let requestTimeout: Duration
    let maximumResponseSize: Int
    let logger: Logger

    init(
        baseURL: Result<String, DeviceCloudError>,
        httpClient: HTTPClient,
        authentication: DeviceCloud.Authentication,
        configuration: DeviceCloud.Configuration,
        logger: Logger
    ) {
        self.baseURL = baseURL
        self.httpClient = httpClient
        self.authentication = authentication
        self.retry = configuration.retry
        self.requestTimeout = configuration.requestTimeout
        self.maximumResponseSize = configuration.maximumResponseSize
        self.logger = logger
    }

    /// The `/ws/` base of a service URL.
    static func baseURL(for url: URL) -> Result<String, DeviceCloudError> {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = components.percentEncodedHost, !host.isEmpty
        else {
            return .failure(
                DeviceCloudError(.invalidArgument, message: "the service URL needs an http or https scheme and a host")
            )
        }
        if host.contains(":"), !host.hasPrefix("[") {
            host = "[\(host)]"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        var prefix = components.percentEncodedPath
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return .success("\(scheme)://\(host)\(port)\(prefix)/ws/")
    }

    /// Sends a request, retrying 429 answers by the policy.
    ///
    /// - Parameters:
    ///   - path: below `/ws/`, e.g. `Monitor/178007`.
    ///   - query: parameters, percent-encoded here.
    ///   - headers: extra headers.
    ///   - body: a document to send.
    ///   - contentType: the body's type, unless `headers` name one.
    ///   - accept: the `Accept` header, if any.
    ///   - monitorID: the monitor concerned, for errors.
    ///   - secrets: values sent in the body that must not come back in an error (tokens).
    /// - Throws: ``DeviceCloudError``, or `CancellationError` when the task is cancelled.
    func send(
        _ method: Method,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: ByteBuffer? = nil,
        contentType: String? = "application/xml; charset=utf-8",
        accept: String? = nil,
        monitorID: UInt32? = nil,
        secrets: [String] = []
    ) async throws -> Answer {
        var url = try self.baseURL.get() + path
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.percentEncoded($0.name))=\(Self.percentEncoded($0.value))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method.rawValue)
        for header in self.authentication.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        if let accept {
            request.headers.add(name: "Accept", value: accept)
        }
        for header in headers {
            request.headers.add(name: header.name, value: header.value)
        }
        if let body {
            if let contentType, !request.headers.contains(name: "Content-Type") {
                request.headers.add(name: "Content-Type", value: contentType)
            }
            request.body = .bytes(body)
        }
        var attempt = 0
        while true {
            attempt += 1
            let answer = try await self.execute(
                request,
                method: method,
                path: path,
                monitorID: monitorID,
                attempt: attempt
            )
            if (200..<300).contains(answer.status) {
                return answer
            }
            let retry = attempt - 1
            if answer.status == 429, retry < self.retry.maximumRetries {
                let retryAfter = answer.headers.first { $0.name.lowercased() == "retry-after" }
                    .flatMap { Int($0.value.trimmingCharacters(in: .whitespaces)) }
                    .map { Duration.seconds($0) }
                let delay = self.retry.delay(beforeRetry: retry, retryAfter: retryAfter)
                self.logger.warning(
                    "throttled by the service; retrying",
                    metadata: ["method": "\(method.rawValue)", "path": "\(path)", "retry": "\(retry + 1)", "delay": "\(delay)"]
                )
                try await Task.sleep(for: delay)
                continue
            }
            throw self.failure(
                status: answer.status,
                body: answer.body,
                method: method,
                path: path,
                monitorID: monitorID,
                attempts: attempt,
                secrets: secrets
            )
        }
    }

    // execute and exchange take the same attempt context: one timed step wraps the other.
    /// One attempt, from the first byte sent to the last byte of the answer, within the
    /// request timeout.
    private func execute(
        _ request: HTTPClientRequest,
        method: Method,
        path: String,
        monitorID: UInt32?,
        attempt: Int
    ) async throws -> Answer {
        let limit = self.requestTimeout
        let outcome: Result<Answer, any Error>? = await withTaskGroup(of: Result<Answer, any Error>?.self) { group in
            group.addTask {
                do {
                    return .success(try await self.exchange(request, method: method, path: path, monitorID: monitorID, attempt: attempt))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                // Returns at the deadline, or early (and unused) when the exchange finished first.
                try? await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
        if Task.isCancelled { throw CancellationError() }
        guard let outcome else {
            throw DeviceCloudError(
                .timedOut,
                message: "\(method.rawValue) \(path) did not complete within \(limit)",
                monitorID: monitorID,
                attempts: attempt
            )
        }
        return try outcome.get()
    }

    private func exchange(
        _ request: HTTPClientRequest,
        method: Method,
        path: String,
        monitorID: UInt32?,
        attempt: Int
    ) async throws -> Answer {
        let timeout = TimeAmount.nanoseconds(Int64(min(self.requestTimeout.seconds, 1e9) * 1e9))
        do {
            let response = try await self.httpClient.execute(request, timeout: timeout)
            let status = Int(response.status.code)
            self.logger.debug(
                "web service answered",
                metadata: ["method": "\(method.rawValue)", "path": "\(path)", "status": "\(status)", "attempt": "\(attempt)"]
            )
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: self.maximumResponseSize)
            } catch is NIOTooManyBytesError {
                throw DeviceCloudError(
                    .invalidResponse,
                    message: "the answer to \(method.rawValue) \(path) is larger than \(self.maximumResponseSize) bytes",
                    status: status,
                    monitorID: monitorID,
                    attempts: attempt
                )
            }
            return Answer(status: status, headers: response.headers.map { ($0.name, $0.value) }, body: body)
        } catch let error as DeviceCloudError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            if let client = error as? HTTPClientError, client == .deadlineExceeded || client == .readTimeout {
                throw DeviceCloudError(
                    .timedOut,
                    message: "\(method.rawValue) \(path) did not complete within \(self.requestTimeout)",
                    monitorID: monitorID,
                    attempts: attempt,
                    underlying: error
                )
            }
            throw DeviceCloudError(
                .transportFailed,
                message: "\(method.rawValue) \(path) got no answer",
                monitorID: monitorID,
                attempts: attempt,
                underlying: error
            )
        }
    }

    private func failure(
        status: Int,
        body: ByteBuffer,
        method: Method,
        path: String,
        monitorID: UInt32?,
        attempts: Int,
        secrets: [String]
    ) -> DeviceCloudError {
        var text = String(decoding: body.readableBytesView.prefix(DeviceCloudError.maximumBodyLength * 4), as: UTF8.self)
        for secret in self.authentication.secrets + secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        if text.count > DeviceCloudError.maximumBodyLength {
            text = String(text.prefix(DeviceCloudError.maximumBodyLength))
        }
        let code = DeviceCloudError.Code.forStatus(status)
        let message: String
        switch code {
        case .authenticationFailed: message = "the service refused the credentials of \(self.authentication.identity)"
        case .throttled: message = "\(method.rawValue) \(path) was still throttled after \(attempts) attempts"
        case .notFound: message = monitorID.map { "monitor \($0) does not exist" } ?? "\(path) does not exist"
        default: message = "\(method.rawValue) \(path) failed with status \(status)"
        }
        return DeviceCloudError(code, message: message, status: status, body: text, monitorID: monitorID, attempts: attempts)
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += byte < 16 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return encoded
    }
}
