import DeviceCloudProtocol
import DeviceCloudSimulator
import DeviceCloudTestSupport
import Foundation
import Testing

/// Whether `python3 -c "import devicecloud"` succeeds.
let referenceClientInstalled: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import devicecloud"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
        try process.run()
    } catch {
        return false
    }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// The reference client (python-devicecloud, `pip install devicecloud`) against the in-process
/// simulator: its monitor calls, `dc.ws`, a `requests`-encoded condition (`+` for spaces) and
/// API keys. Runs only where `python3` can import `devicecloud`.
@Suite("python-devicecloud against the simulator", .enabled(if: referenceClientInstalled))
struct ReferenceClientInteropTests {
    static let script = """
        import sys
        from devicecloud import DeviceCloud
        from devicecloud.monitor import MON_TOPIC_ATTR, MON_TRANSPORT_TYPE_ATTR
        url, user, password, key_id, key_secret = sys.argv[1:6]
        dc = DeviceCloud(user, password, base_url=url)
        m = dc.monitor.create_tcp_monitor(['DataPoint/py', 'DeviceCore'])
        meta = m.get_metadata()
        print('created', m.get_id(), meta['monCompression'], meta['monBatchSize'], meta['monFormatType'])
        h = dc.monitor.create_http_monitor(['FileData'], 'http://127.0.0.1:9/hook', transport_token='a:b')
        print('by-topic', [x.get_id() for x in dc.monitor.get_monitors(MON_TOPIC_ATTR == 'DataPoint/py,DeviceCore')])
        print('by-transport', [x.get_id() for x in dc.monitor.get_monitors(MON_TRANSPORT_TYPE_ATTR == 'http')])
        print('get-monitor', dc.monitor.get_monitor(['DataPoint/py', 'DeviceCore']).get_id())
        r = dc.get_connection().get('/ws/Monitor', params={'condition': "monTopic like 'DataPoint%'"},
                                    headers={'Accept': 'application/json'})
        print('like', r.status_code, r.url.split('?')[1], r.json()['resultTotalRows'])
        print('ws-v1', dc.ws.v1.monitors.inventory.get_json()['count'])
        print('ws-pages', len(list(dc.ws.Monitor.iter_json_pages())))
        keyed = DeviceCloud(api_key_id=key_id, api_key_secret=key_secret, base_url=url)
        print('api-key', len(list(keyed.monitor.get_monitors())))
        m.delete(); h.delete()
        print('deleted', len(list(dc.monitor.get_monitors())))
        """

    @Test("monitor calls, dc.ws, a form-encoded condition and API keys work as against the service")
    func referenceClient() async throws {
        var configuration = Simulator.Configuration(username: TestAccount.username, password: TestAccount.password)
        configuration.apiKey = Simulator.APIKey(id: "py-key", secret: "py-k3y-s3cret")
        try await withSimulator(configuration: configuration) { simulator in
            let child = try ChildProcess(
                URL(fileURLWithPath: "/usr/bin/env"),
                [
                    "python3", "-c", Self.script, "http://127.0.0.1:\(simulator.httpPort)", TestAccount.username, TestAccount.password,
                    "py-key", "py-k3y-s3cret",
                ]
            )
            defer { child.signal(SIGKILL) }
            #expect(try await withTimeout(.seconds(60)) { await child.exitStatus() } == 0, "\(child.errorOutput)")
            let lines = child.output.split(separator: "\n").map(String.init)
            #expect(
                lines == [
                    "created 1 gzip 1 json", "by-topic [1]", "by-transport [2]", "get-monitor 1",
                    "like 200 condition=monTopic+like+%27DataPoint%25%27 1", "ws-v1 2", "ws-pages 2", "api-key 2", "deleted 0",
                ],
                "\(child.output)\(child.errorOutput)"
            )
        }
    }
}
