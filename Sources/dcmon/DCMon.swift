import ArgumentParser

/// The `dcmon` command-line tool: try, run and inspect Remote Manager push monitors.
@main
struct DCMon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcmon",
        abstract: "Receive Digi Remote Manager push monitor events, or simulate the service locally.",
        subcommands: [
            DemoCommand.self, SimulateCommand.self, MonitorsCommand.self, ListenCommand.self, PublishCommand.self,
            ReceiveHTTPCommand.self, RelayCommand.self, WebServiceCommand.self,
        ]
    )
}
