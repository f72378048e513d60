/// The `monTopic` element: topics joined by commas, where a topic's operation filter may itself
/// hold commas (`DeviceCore[I,D]`).
enum MonitorTopics {
    /// Joins topics into the element's text.
    ///
    /// - Throws: ``DeviceCloudProtocolError/Code/invalidElementValue`` for an empty list, an empty
    ///   topic, or a topic with a comma outside brackets (it would read back as two topics).
    static func join(_ topics: [String]) throws(DeviceCloudProtocolError) -> String {
        guard !topics.isEmpty else {
            throw DeviceCloudProtocolError(.invalidElementValue, "a monitor needs at least one topic")
        }
        for topic in topics {
            guard !topic.isEmpty, Self.split(topic) == [topic] else {
                throw DeviceCloudProtocolError(
                    .invalidElementValue,
                    "the topic \"\(topic)\" is empty or holds a comma outside brackets"
                )
            }
        }
        return topics.joined(separator: ",")
    }

    /// Splits the element's text at commas outside brackets; blanks around topics are dropped.
    static func split(_ text: String) -> [String] {
        var topics: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "[":
                depth += 1
            case "]":
                depth = max(0, depth - 1)
            case "," where depth == 0:
                topics.append(current)
                current = ""
                continue
            default:
                break
            }
            current.append(character)
        }
        topics.append(current)
        return topics.map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs, carriage returns and line feeds.
    func trimmingBlanks() -> String {
        let blanks: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        guard let first = self.firstIndex(where: { !blanks.contains($0) }),
            let last = self.lastIndex(where: { !blanks.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
