public import DeviceCloudProtocol

/// Decides whether a monitor can be relayed safely, from its definition.
public enum RelayMonitorPolicy {
    /// What relaying a monitor means for its data.
    public enum Verdict: Sendable, Hashable {
        /// Acknowledged and replayed: nothing is lost across relay crashes or restarts.
        case safe
        /// Relayed, with a warning for the operator (e.g. no auto-replay).
        case warning(String)
    }

    /// Checks a TCP monitor's acknowledgement and replay options.
    ///
    /// - Parameters:
    ///   - id: the monitor's id, for messages.
    ///   - definition: the monitor as the service reports it.
    ///   - allowUnacknowledged: relay a monitor whose `monAckOption` is `off` anyway (its blocks
    ///     count as delivered once sent, so a crash before the commit loses them).
    /// - Throws: ``RelayError/Code/unacknowledgedMonitor`` when the acknowledgement option is not
    ///   `explicit` and `allowUnacknowledged` is `false`.
    public static func check(
        monitor id: UInt32,
        _ definition: MonitorDefinition,
        allowUnacknowledged: Bool
    ) throws(RelayError) -> Verdict {
        if definition.transportType == .http {
            // An HTTP delivery is acknowledged by the relay's 200 answer, sent after the commit.
            return .safe
        }
        var warnings: [String] = []
        if definition.acknowledgement != .explicit {
            guard allowUnacknowledged else {
                throw RelayError(
                    .unacknowledgedMonitor,
                    message: "monitor \(id) has monAckOption \(definition.acknowledgement?.rawValue ?? "off"): "
                        + "the service forgets each block as soon as it is sent, so a block sent before a crash "
                        + "would be lost; set monAckOption to explicit, or pass --allow-unacknowledged to accept that",
                    monitorID: id
                )
            }
            warnings.append("monitor \(id) is not acknowledged: blocks sent before a crash are lost")
        }
        if definition.autoReplayOnConnect != true {
            warnings.append(
                "monitor \(id) has no auto-replay: blocks the service sends while no relay is connected are lost")
        }
        return warnings.isEmpty ? .safe : .warning(warnings.joined(separator: "; "))
    }
}
