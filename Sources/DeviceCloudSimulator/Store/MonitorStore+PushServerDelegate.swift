public import DeviceCloudProtocol

extension MonitorStore: PushServerDelegate {
    /// 200 for the account's credentials and one of its TCP monitors; 403 for other
    /// credentials; 400 for an unknown monitor or one that is not a TCP monitor.
    public func authorize(_ request: ConnectRequest) async -> UInt16 {
        guard self.authenticate(username: request.username, password: request.password) else {
            return ConnectResponse.forbidden
        }
        guard let record = self.records[request.monitorID], record.transportType == .tcp else {
            return ConnectResponse.badRequest
        }
        return ConnectResponse.accepted
    }

    /// Records the session and marks the monitor `ACTIVE`, stamping `monLastConnect`.
    public func sessionStarted(_ session: PushServerSession) async {
        guard self.records[session.monitorID] != nil else {
            // Deleted while the handshake was in flight.
            session.close()
            return
        }
        self.sessions[session.monitorID] = session
        self.setStatus(.active, lastConnect: self.now(), of: session.monitorID)
    }

    /// Marks the monitor `SUSPENDED` (auto-replay on) or `INACTIVE` when its current session ends.
    public func sessionEnded(_ session: PushServerSession) async {
        guard self.sessions[session.monitorID] == session else { return }
        self.sessions[session.monitorID] = nil
        guard let record = self.records[session.monitorID] else { return }
        self.setStatus(record.autoReplayOnConnect == true ? .suspended : .inactive, of: session.monitorID)
    }
}
