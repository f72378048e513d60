import DeviceCloudRelay
import Foundation

/// The relay's status on standard error: one live line on a terminal, else one line per interval.
struct RelayStatusLine {
    let interactive: Bool
    let interval: Duration
    private var previous: (stored: Int, duplicates: Int, time: ContinuousClock.Instant)

    init(interval: Duration) {
        self.interactive = isatty(STDERR_FILENO) == 1
        self.interval = self.interactive ? .seconds(1) : interval
        self.previous = (0, 0, .now)
    }

    /// The line for `statistics`, with the rate since the previous line.
    mutating func line(_ statistics: MonitorRelay.Statistics, monitors: Int) -> String {
        let now = ContinuousClock.now
        let elapsed = now - self.previous.time
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let handled = statistics.eventsStored + statistics.duplicatesSkipped
        let rate = Double(handled - self.previous.stored - self.previous.duplicates) / max(seconds, 0.001)
        self.previous = (statistics.eventsStored, statistics.duplicatesSkipped, now)
        let p99 = statistics.commitLatencyP99.map { String(format: "%.1f ms", $0 * 1000) } ?? "-"
        var text = "relay: \(Int(rate.rounded())) events/s, stored \(statistics.eventsStored), "
            + "duplicates skipped \(statistics.duplicatesSkipped), commit p99 \(p99), monitors \(monitors)"
        if let lag = statistics.lag { text += String(format: ", lag %.1f s", lag) }
        if let failure = statistics.lastFailure { text += ", failing: \(failure)" }
        return text
    }

    /// Writes a line: over the previous one on a terminal, as a new line otherwise.
    func write(_ text: String) {
        let output = self.interactive ? "\r\u{1B}[K" + text : text + "\n"
        FileHandle.standardError.write(Data(output.utf8))
    }

    /// Ends the live line on a terminal.
    func finish() {
        if self.interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
