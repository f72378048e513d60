import ArgumentParser
import DeviceCloud
import Foundation

/// `dcmon publish datapoint`: write DataPoints so that monitors fire.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Write data to the service.",
        subcommands: [DataPointCommand.self]
    )

    struct DataPointCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "datapoint",
            abstract: "Write DataPoints to a stream. With --count N and a numeric value V, writes V, V+1, … V+N-1."
        )

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The stream id, e.g. plant7/temperature.") var stream: String
        @Option(help: "The value.") var value: String
        @Option(help: "How many points to write.") var count = 1
        @Option(help: "Units, e.g. C.") var units: String?

        func run() async throws {
            try await reportingFailures {
                guard self.count > 0 else { throw CommandFailure("--count must be positive") }
                let start = Double(self.value)
                let points = (0..<self.count).map { index in
                    let text: String
                    if let start, self.count > 1 {
                        let number = start + Double(index)
                        text = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
                    } else {
                        text = self.value
                    }
                    return DataPoints.Point(stream: self.stream, value: text, units: self.units)
                }
                try await self.connection.withCloud { cloud in
                    var offset = 0
                    while offset < points.count {
                        let chunk = Array(points[offset..<min(offset + 1_000, points.count)])
                        try await cloud.dataPoints.write(chunk)
                        offset += chunk.count
                    }
                    print("wrote \(points.count) data point\(points.count == 1 ? "" : "s") to \(self.stream)")
                }
            }
        }
    }
}
