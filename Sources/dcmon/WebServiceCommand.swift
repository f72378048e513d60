import ArgumentParser
import DeviceCloud
import Foundation
import NIOCore

/// `dcmon ws METHOD PATH`: any web service, with the account's authentication.
struct WebServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ws",
        abstract: "Send one request to any web service and print the answer's body.",
        discussion: """
            For example: dcmon ws GET /ws/DeviceCore --query size=1. Authentication, 429 retries \
            and --request-timeout (start to last byte) are the same as for every other command. \
            An answer outside 2xx exits 1 with its status and the start of its body.
            """
    )

    // ArgumentParser options: one declaration per flag, alike in shape by design.
    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The method: GET, POST, PUT, DELETE…")
    var method: String

    @Argument(help: "The web service, e.g. /ws/DeviceCore or /ws/v1/monitors/inventory.")
    var path: String

    @Option(name: .customLong("query"), help: "A query parameter name=value (taken literally, encoded here); repeatable.")
    var queries: [String] = []

    @Option(name: .customLong("header"), help: "A header \"Name: value\"; repeatable.")
    var headers: [String] = []

    @Option(help: "The request body, as text.")
    var data: String?

    @Option(help: "A file whose bytes are the request body.")
    var dataFile: String?

    @Flag(help: "Print the status line and the headers before the body.")
    var include = false

    func run() async throws {
        try await reportingFailures {
            let query = try self.queries.map { pair in
                guard let equals = pair.firstIndex(of: "=") else { throw CommandFailure("--query must be name=value, not \(pair)") }
                return (name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...]))
            }
            let headers = try self.headers.map { header in
                guard let colon = header.firstIndex(of: ":") else { throw CommandFailure("--header must be \"Name: value\"") }
                return (
                    name: String(header[..<colon]).trimmingCharacters(in: .whitespaces),
                    value: String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                )
            }
            var body: ByteBuffer?
            switch (self.data, self.dataFile) {
            case (let text?, nil):
                body = ByteBuffer(string: text)
            case (nil, let file?):
                do {
                    body = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: file)))
                } catch {
                    throw CommandFailure("cannot read \(file): \(error.localizedDescription)")
                }
            case (.some, .some):
                throw CommandFailure("give --data or --data-file, not both")
            case (nil, nil):
                body = nil
            }
            try await self.connection.withCloud { cloud in
                let answer = try await cloud.webService.send(
                    WebService.Method(rawValue: self.method.uppercased()),
                    path: self.path,
                    query: query,
                    headers: headers,
                    body: body
                )
                var output = ByteBuffer()
                if self.include {
                    output.writeString("HTTP/1.1 \(answer.status)\r\n")
                    for header in answer.headers {
                        output.writeString("\(header.name): \(header.value)\r\n")
                    }
                    output.writeString("\r\n")
                }
                output.writeImmutableBuffer(answer.body)
                FileHandle.standardOutput.write(Data(output.readableBytesView))
            }
        }
    }
}
