public import DeviceCloudProtocol
import Foundation

/// One topic of a monitor's `monTopic`, e.g. `DataPoint`, `DataPoint[U]`, `DeviceCore[I,D]`
/// or `DataPoint/plant7/temperature`: a resource type, optionally narrowed by a path and by
/// operations.
public struct TopicFilter: Sendable, Hashable, CustomStringConvertible {
    /// The resource type, e.g. `DataPoint`.
    public var resource: String
    /// Path segments after the resource; an event matches when its path starts with them.
    public var path: [Substring]
    /// The operations that pass, or `nil` for all.
    public var operations: Set<MonitorEvent.Operation>?

    /// Parses one topic; `nil` when it is empty or its operation filter is malformed.
    public init?(_ text: some StringProtocol) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        var operations: Set<MonitorEvent.Operation>?
        if body.hasSuffix("]") {
            guard let open = body.lastIndex(of: "[") else { return nil }
            let letters = body[body.index(after: open)..<body.index(before: body.endIndex)].split(separator: ",")
            var set: Set<MonitorEvent.Operation> = []
            for letter in letters {
                switch letter.trimmingCharacters(in: .whitespaces).uppercased() {
                case "I": set.insert(.insertion)
                case "U": set.insert(.update)
                case "D": set.insert(.delete)
                default: return nil
                }
            }
            guard !set.isEmpty else { return nil }
            operations = set
            body = body[..<open]
        }
        let segments = body.split(separator: "/", omittingEmptySubsequences: true)
        guard let resource = segments.first else { return nil }
        self.resource = String(resource)
        self.path = Array(segments.dropFirst())
        self.operations = operations
    }

    /// Parses a comma-separated `monTopic`, keeping commas inside an operation filter.
    public static func parseList(_ text: String) -> [TopicFilter]? {
        var topics: [TopicFilter] = []
        var depth = 0
        var current = ""
        for character in text {
            switch character {
            case "[": depth += 1; current.append(character)
            case "]": depth -= 1; current.append(character)
            case "," where depth == 0:
                guard let topic = TopicFilter(current) else { return nil }
                topics.append(topic)
                current = ""
            default: current.append(character)
            }
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let topic = TopicFilter(current) else { return nil }
            topics.append(topic)
        }
        return topics.isEmpty ? nil : topics
    }

    /// Whether an event of `resource` at `path` (segments after the resource) with `operation` passes.
    public func matches(resource: String, path: some StringProtocol, operation: MonitorEvent.Operation) -> Bool {
        guard resource == self.resource else { return false }
        if let operations, !operations.contains(operation) { return false }
        guard !self.path.isEmpty else { return true }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        guard segments.count >= self.path.count else { return false }
        return zip(self.path, segments).allSatisfy { $0 == $1 }
    }

    public var description: String {
        var text = ([self.resource] + self.path.map(String.init)).joined(separator: "/")
        if let operations {
            let letters = [("I", MonitorEvent.Operation.insertion), ("U", .update), ("D", .delete)]
                .filter { operations.contains($0.1) }.map(\.0)
            text += "[\(letters.joined(separator: ","))]"
        }
        return text
    }
}
