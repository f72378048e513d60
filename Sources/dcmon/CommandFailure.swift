import ArgumentParser
import DeviceCloud
import Foundation

/// An expected failure: printed as one line on standard error, exit code 1, no stack trace.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        self.description = message
    }
}

/// Runs a command body; any error becomes one line on standard error and exit code 1.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch is CancellationError {
        throw ExitCode.failure
    } catch {
        let line = "dcmon: \(oneLine(error))\n"
        FileHandle.standardError.write(Data(line.utf8))
        throw ExitCode.failure
    }
}

/// A short, single-line explanation of an error.
func oneLine(_ error: any Error) -> String {
    let text: String
    switch error {
    case let failure as CommandFailure:
        text = failure.description
    case let push as PushSessionError:
        text = "\(push.code) (monitor \(push.monitorID)\(push.status.map { ", status \($0)" } ?? "")): \(push.message)"
    case let service as DeviceCloudError:
        text = "\(service)"
    default:
        text = "\(error)"
    }
    return text.split(whereSeparator: \.isNewline).joined(separator: " ")
}

/// Writes a line to standard error.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
