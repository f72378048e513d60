import DeviceCloudProtocol

extension MonitorStore {
    /// The HTTP monitors whose deliverer should start now, each with the generation it serves;
    /// the requests are cleared.
    func takeHTTPDelivererRequests() -> [(monitorID: UInt32, generation: Int)] {
        defer { self.httpDelivererRequests.removeAll() }
        return self.httpDelivererRequests.map { (monitorID: $0.key, generation: $0.value) }
    }

    /// Makes `continuation` the wake-up of the monitor's HTTP deliverer and returns where to
    /// deliver, or `nil` (and finishes the continuation) when that generation is gone.
    func attachHTTPDeliverer(
        _ continuation: AsyncStream<Void>.Continuation,
        monitorID id: UInt32,
        generation: Int
    ) -> HTTPDeliveryTarget? {
        guard self.isCurrentHTTPDeliverer(id, generation: generation), let record = self.records[id],
            let target = HTTPDeliveryTarget(record: record)
        else {
            continuation.finish()
            return nil
        }
        self.deliveries[id]?.attach(continuation)
        return target
    }

    /// The next step of the monitor's HTTP deliverer: one block at a time, in order.
    func nextHTTPStep(monitorID id: UInt32, generation: Int) -> MonitorDelivery.Step {
        guard self.isCurrentHTTPDeliverer(id, generation: generation), self.records[id]?.status != .disabled else { return .stop }
        return self.deliveries[id]?.nextStep(now: self.clock.now) ?? .stop
    }

    /// A block was answered 2xx: it is done, and the monitor is `ACTIVE` (with `monLastConnect`
    /// stamped when it was not before) with `monLastSent` now.
    func httpDelivered(blockID: UInt16, monitorID id: UInt32, generation: Int) {
        guard self.isCurrentHTTPDeliverer(id, generation: generation), var record = self.records[id] else { return }
        self.deliveries[id]?.outbox.acknowledge(blockID: blockID)
        self.deliveries[id]?.blocksSent += 1
        let now = self.now()
        if record.status != .active {
            record.status = .active
            record.lastConnect = now
        }
        record.lastSent = now
        self.records[id] = record
        self.recordChanged(id)
    }

    /// A delivery attempt failed: the monitor is `CONNECTING` while its deliverer retries.
    ///
    /// - Returns: whether the deliverer should go on.
    func httpFailed(monitorID id: UInt32, generation: Int) -> Bool {
        guard self.isCurrentHTTPDeliverer(id, generation: generation) else { return false }
        self.deliveries[id]?.deliveryFailures += 1
        if self.records[id]?.status != .connecting {
            self.setStatus(.connecting, of: id)
        }
        return true
    }

    /// Deliveries failed for the whole failure window: the monitor becomes `DISABLED`, what it
    /// kept is discarded (counted as dropped) and it records nothing more until updated.
    func httpDisable(monitorID id: UInt32, generation: Int) {
        guard self.isCurrentHTTPDeliverer(id, generation: generation) else { return }
        self.deliveries[id]?.deliveryFailures += 1
        self.deliveries[id]?.outbox.discardAll()
        self.deliveries[id]?.stopDeliverer()
        self.setStatus(.disabled, of: id)
    }

    /// Whether `generation` is still the monitor's HTTP delivery state.
    func isCurrentHTTPDeliverer(_ id: UInt32, generation: Int) -> Bool {
        guard let delivery = self.deliveries[id] else { return false }
        return delivery.transport == .http && delivery.generation == generation
    }
}
