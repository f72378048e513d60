import AsyncHTTPClient
import DeviceCloudProtocol
import Foundation
import Logging
import NIOCore

/// Sends `/ws/…` requests: basic authentication, 429 retries, answers mapped to
/// ``DeviceCloudError``. Knows nothing of monitors' documents.
struct MonitorWebService: Sendable {
    enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case delete = "DELETE"
    }

    /// A 2xx answer.
    struct Answer: Sendable {
        var status: Int
        var contentType: String?
        var body: ByteBuffer
    }

    /// `scheme://host[:port][/prefix]/ws/`, or why the URL cannot serve.
    let baseURL: Result<String, DeviceCloudError>
    let httpClient: HTTPClient
    let credentials: Credentials
    let retry: RetryPolicy
    let requestTimeout: Duration
    let maximumResponseSize: Int
    let logger: Logger
    private let authorization: String

    init(
        baseURL: Result<String, DeviceCloudError>,
        httpClient: HTTPClient,
        credentials: Credentials,
        configuration: DeviceCloud.Configuration,
        logger: Logger
    ) {
        self.baseURL = baseURL
        self.httpClient = httpClient
        self.credentials = credentials
        self.retry = configuration.retry
        self.requestTimeout = configuration.requestTimeout
        self.maximumResponseSize = configuration.maximumResponseSize
        self.logger = logger
        let pair = Data("\(credentials.username):\(credentials.password)".utf8)
        self.authorization = "Basic \(pair.base64EncodedString())"
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
    ///   - body: an XML document to send.
    ///   - monitorID: the monitor concerned, for errors.
    ///   - secrets: values sent in the body that must not come back in an error (tokens).
    /// - Throws: ``DeviceCloudError``, or `CancellationError` when the task is cancelled.
    func send(
        _ method: Method,
        path: String,
        query: [(name: String, value: String)] = [],
        body: ByteBuffer? = nil,
        accept: String? = nil,
        monitorID: UInt32? = nil,
        secrets: [String] = []
    ) async throws -> Answer {
        var url = try self.baseURL.get() + path
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.percentEncoded($0.name))=\(Self.percentEncoded($0.value))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        switch method {
        case .get: request.method = .GET
        case .post: request.method = .POST
        case .put: request.method = .PUT
        case .delete: request.method = .DELETE
        }
        request.headers.add(name: "Authorization", value: self.authorization)
        if let accept {
            request.headers.add(name: "Accept", value: accept)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/xml; charset=utf-8")
            request.body = .bytes(body)
        }
        var attempt = 0
        while true {
            attempt += 1
            let (status, contentType, retryAfter, responseBody) = try await self.execute(
                request,
                method: method,
                path: path,
                monitorID: monitorID,
                attempt: attempt
            )
            if (200..<300).contains(status) {
                return Answer(status: status, contentType: contentType, body: responseBody)
            }
            let retry = attempt - 1
            if status == 429, retry < self.retry.maximumRetries {
                let delay = self.retry.delay(beforeRetry: retry, retryAfter: retryAfter)
                self.logger.warning(
                    "throttled by the service; retrying",
                    metadata: ["method": "\(method.rawValue)", "path": "\(path)", "retry": "\(retry + 1)", "delay": "\(delay)"]
                )
                try await Task.sleep(for: delay)
                continue
            }
            throw self.failure(
                status: status,
                body: responseBody,
                method: method,
                path: path,
                monitorID: monitorID,
                attempts: attempt,
                secrets: secrets
            )
        }
    }

    private func execute(
        _ request: HTTPClientRequest,
        method: Method,
        path: String,
        monitorID: UInt32?,
        attempt: Int
    ) async throws -> (status: Int, contentType: String?, retryAfter: Duration?, body: ByteBuffer) {
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
            let retryAfter = response.headers.first(name: "Retry-After")
                .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                .map { Duration.seconds($0) }
            return (status, response.headers.first(name: "Content-Type"), retryAfter, body)
        } catch let error as DeviceCloudError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
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
        let encodedPair = String(self.authorization.dropFirst("Basic ".count))
        for secret in [self.credentials.password, encodedPair] + secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        if text.count > DeviceCloudError.maximumBodyLength {
            text = String(text.prefix(DeviceCloudError.maximumBodyLength))
        }
        let code = DeviceCloudError.Code.forStatus(status)
        let message: String
        switch code {
        case .authenticationFailed: message = "the service refused the credentials of user \(self.credentials.username)"
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
