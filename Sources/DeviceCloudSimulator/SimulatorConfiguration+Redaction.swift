extension Simulator.Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The account and addresses, with the password (and any API key secret) left out.
    public var description: String {
        var text = "Simulator.Configuration(username: \(self.username), password: <redacted>"
        if let apiKey = self.apiKey { text += ", apiKey: \(apiKey.id) <secret redacted>" }
        text += ", host: \(self.host), httpPort: \(self.httpPort), pushPort: \(self.pushPort)"
        text += ", tls: \(self.pushTLS == nil ? "off" : "on"), tlsPushPort: \(self.tlsPushPort))"
        return text
    }

    /// Same as ``description``: the password stays out of debug output too.
    public var debugDescription: String { self.description }

    /// What `dump` and debuggers show: every setting but the secrets.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "username": self.username,
                "password": "<redacted>",
                "apiKeyID": self.apiKey?.id as Any,
                "customerID": self.customerID,
                "host": self.host,
                "httpPort": self.httpPort,
                "pushPort": self.pushPort,
                "tlsPushPort": self.tlsPushPort,
                "maximumPageSize": self.maximumPageSize,
                "pushLimits": self.pushLimits,
                "deliveryLimits": self.deliveryLimits,
                "maximumIngestBodySize": self.maximumIngestBodySize,
            ],
            displayStyle: .struct
        )
    }
}
