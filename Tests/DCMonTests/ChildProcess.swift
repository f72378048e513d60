import Foundation
import Synchronization

/// A command run as a child process, with its output collected as it arrives.
final class ChildProcess: Sendable {
    private struct State {
        var output = Data()
        var lineWaiters: [(Int, CheckedContinuation<String?, Never>)] = []
        var exitWaiters: [CheckedContinuation<Int32, Never>] = []
        var exitStatus: Int32?
        var errorWaiters: [CheckedContinuation<Void, Never>] = []
        /// The termination, and the end of each of the two pipes: the process counts as exited
        /// once all three came, so its whole output is there when a test reads it, or two
        /// seconds after the termination: a process spawned meanwhile by another test can inherit
        /// a copy of the pipes and hold them open long after this child is gone.
        var pendingEnds = 3
        var terminationStatus: Int32?
    }

    private let process: Process
    private let state = Mutex(State())
    let errors = Mutex(Data())

    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        self.process = process
        process.terminationHandler = { [weak self] process in
            self?.ended(terminationStatus: process.terminationStatus)
        }
        try process.run()
        // Plain blocking reads on threads of their own: they end at end-of-file, when the child exits.
        let output = stdout.fileHandleForReading
        let errorOutput = stderr.fileHandleForReading
        Thread.detachNewThread { [weak self] in
            Self.readUntilEnd(output) { self?.received($0) }
            self?.ended(terminationStatus: nil)
        }
        Thread.detachNewThread { [weak self] in
            Self.readUntilEnd(errorOutput) { self?.receivedError($0) }
            self?.ended(terminationStatus: nil)
        }
    }

    /// Everything written to standard output so far.
    var output: String { self.state.withLock { String(decoding: $0.output, as: UTF8.self) } }
    /// Everything written to standard error so far.
    var errorOutput: String { self.errors.withLock { String(decoding: $0, as: UTF8.self) } }

    /// The first line of standard output, once written (`nil` if the process exits first).
    func firstLine() async -> String? {
        await self.line(0)
    }

    /// Line `index` of standard output, once written.
    func line(_ index: Int) async -> String? {
        await withCheckedContinuation { continuation in
            let ready: String?? = self.state.withLock { state in
                let lines = Self.completeLines(state.output)
                if lines.count > index { return .some(lines[index]) }
                if state.exitStatus != nil { return .some(nil) }
                state.lineWaiters.append((index, continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Waits for the process to end and returns its exit status.
    ///
    /// Cancelling the wait (a test's timeout) kills the process, so a hung child never outlives
    /// the test that started it.
    func exitStatus() async -> Int32 {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let status: Int32? = self.state.withLock { state in
                    if let status = state.exitStatus { return status }
                    state.exitWaiters.append(continuation)
                    return nil
                }
                if let status { continuation.resume(returning: status) }
            }
        } onCancel: {
            self.signal(SIGKILL)
        }
    }

    /// Sends a signal, e.g. SIGTERM.
    func signal(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// How many bytes of standard error have arrived.
    var errorByteCount: Int { self.errors.withLock { $0.count } }

    /// Waits until standard error holds more than `count` bytes, or the process exits.
    func waitForErrorOutput(beyond count: Int) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = self.state.withLock { state in
                if state.exitStatus != nil || self.errorByteCount > count { return true }
                state.errorWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        if self.state.withLock({ $0.exitStatus != nil }) {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the process exited: \(self.errorOutput)"])
        }
    }

    private func receivedError(_ data: Data) {
        let waiters = self.state.withLock { state in
            self.errors.withLock { $0.append(data) }
            defer { state.errorWaiters = [] }
            return state.errorWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func received(_ data: Data) {
        let ready: [(CheckedContinuation<String?, Never>, String)] = self.state.withLock { state in
            state.output.append(data)
            let lines = Self.completeLines(state.output)
            var ready: [(CheckedContinuation<String?, Never>, String)] = []
            state.lineWaiters.removeAll { waiter in
                guard lines.count > waiter.0 else { return false }
                ready.append((waiter.1, lines[waiter.0]))
                return true
            }
            return ready
        }
        for (continuation, line) in ready { continuation.resume(returning: line) }
    }

    /// The process terminated (with its status) or one of its pipes reached end-of-file.
    private func ended(terminationStatus: Int32?) {
        let status: Int32? = self.state.withLock { state in
            if let terminationStatus { state.terminationStatus = terminationStatus }
            state.pendingEnds -= 1
            return state.pendingEnds == 0 ? state.terminationStatus : nil
        }
        if let status {
            self.exited(status)
        } else if let terminationStatus {
            DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [weak self] in
                self?.exited(terminationStatus)
            }
        }
    }

    /// Reports the exit to every waiter, once.
    private func exited(_ status: Int32) {
        let (lines, exits, errorWaiters) = self.state.withLock { state in
            guard state.exitStatus == nil else {
                return ([(Int, CheckedContinuation<String?, Never>)](), [CheckedContinuation<Int32, Never>](), [CheckedContinuation<Void, Never>]())
            }
            state.exitStatus = status
            defer {
                state.lineWaiters = []
                state.exitWaiters = []
                state.errorWaiters = []
            }
            return (state.lineWaiters, state.exitWaiters, state.errorWaiters)
        }
        for waiter in errorWaiters { waiter.resume() }
        for (_, continuation) in lines { continuation.resume(returning: nil) }
        for continuation in exits { continuation.resume(returning: status) }
    }

    /// Reads `handle` until end-of-file (or an error), handing over each chunk. A read
    /// interrupted by a signal is retried: `FileHandle.availableData` stops the process on one.
    private static func readUntilEnd(_ handle: FileHandle, _ received: (Data) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { bytes in
                read(handle.fileDescriptor, bytes.baseAddress, bytes.count)
            }
            if count > 0 {
                received(Data(buffer[0..<count]))
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    private static func completeLines(_ data: Data) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        lines.removeLast()  // the part after the last newline is not complete yet
        return lines
    }
}

/// The built `dcmon` beside this test bundle.
func dcmonExecutable() throws -> URL {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [directory, directory.deletingLastPathComponent()] {
        let url = candidate.appendingPathComponent("dcmon")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: directory.appendingPathComponent("dcmon").path])
}
