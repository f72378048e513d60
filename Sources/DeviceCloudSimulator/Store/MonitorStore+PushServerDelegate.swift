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

    /// Makes the session the monitor's connection: its outbox connects (with auto-replay, blocks
    /// sent and not acknowledged go out again first, then what was recorded meanwhile), and the
    /// monitor becomes `ACTIVE`, stamping `monLastConnect`.
    ///
    /// The push server has already closed a previous connection of the monitor (a new
    /// connection replaces the old one); its deliverer stops here and whatever it had sent
    /// without acknowledgement is replayed on the new connection.
    public func sessionStarted(_ session: PushServerSession) async {
        let id = session.monitorID
        guard self.records[id] != nil, self.deliveries[id]?.transport == .tcp else {
            // Deleted, or changed to HTTP, while the handshake was in flight.
            session.close()
            return
        }
        if let previous = self.sessions[id], previous != session {
            previous.close()
            self.deliveries[id]?.disconnect()
        }
        self.deliveries[id]?.stopDeliverer()
        self.sessions[id] = session
        self.deliveries[id]?.outbox.connect()
        self.setStatus(.active, lastConnect: self.now(), of: id)
    }

    /// Delivers the monitor's blocks on the session until it ends or is replaced: closes due
    /// batches, writes sendable blocks (suspending under TCP backpressure, which holds up only
    /// this connection), and otherwise waits for new events, acknowledgements or the open
    /// batch's deadline.
    public nonisolated func serve(_ session: PushServerSession) async throws {
        var signal = DeliverySignal()
        guard await self.attachDeliverer(signal.continuation, to: session) else { return }
        let blocksPerWrite = self.deliveryLimits.maximumBlocksPerWrite
        while true {
            switch await self.nextStep(for: session) {
            case .stop:
                return
            case .wait(let deadline):
                guard await signal.wait(until: deadline) else { return }
            case .send(let blocks):
                var start = blocks.startIndex
                while start < blocks.endIndex {
                    let end = min(start + blocksPerWrite, blocks.endIndex)
                    try await session.publish(contentsOf: blocks[start..<end])
                    await self.published(end - start, on: session)
                    start = end
                }
            }
        }
    }

    /// Records an acknowledgement of the monitor's current connection and wakes its deliverer
    /// (the in-flight window may have room again). Acknowledgements of an older connection
    /// are ignored: its blocks are replayed.
    public func acknowledged(blockID: UInt16, on session: PushServerSession) async {
        let id = session.monitorID
        guard self.sessions[id] == session, self.deliveries[id]?.outbox.acknowledge(blockID: blockID) == true else { return }
        self.deliveries[id]?.blocksAcknowledged += 1
        self.deliveries[id]?.wake()
    }

    /// Disconnects the monitor's outbox when its current session ends: `SUSPENDED` with
    /// auto-replay (events are recorded, unacknowledged blocks kept), `INACTIVE` without (both
    /// dropped).
    public func sessionEnded(_ session: PushServerSession) async {
        let id = session.monitorID
        guard self.sessions[id] == session else { return }
        self.sessions[id] = nil
        self.deliveries[id]?.stopDeliverer()
        self.deliveries[id]?.disconnect()
        guard let record = self.records[id] else { return }
        self.setStatus(record.autoReplayOnConnect == true ? .suspended : .inactive, of: id)
    }

    /// Makes `continuation` the wake-up of the session's deliverer, if the session is current.
    private func attachDeliverer(_ continuation: AsyncStream<Void>.Continuation, to session: PushServerSession) -> Bool {
        let id = session.monitorID
        guard self.sessions[id] == session, self.deliveries[id] != nil else {
            continuation.finish()
            return false
        }
        self.deliveries[id]?.attach(continuation)
        return true
    }

    private func nextStep(for session: PushServerSession) -> MonitorDelivery.Step {
        let id = session.monitorID
        guard self.sessions[id] == session else { return .stop }
        return self.deliveries[id]?.nextStep(now: self.clock.now) ?? .stop
    }

    private func published(_ count: Int, on session: PushServerSession) {
        let id = session.monitorID
        guard self.sessions[id] == session else { return }
        self.deliveries[id]?.blocksSent += count
        guard var record = self.records[id] else { return }
        record.lastSent = self.now()
        self.records[id] = record
        self.recordChanged(id)
    }
}
