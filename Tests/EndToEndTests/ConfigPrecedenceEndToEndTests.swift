import Curl
import Foundation
import TestSupport
import Testing

/// The flag layer of "flag, then environment, then file, then default", through the binary: the commands apply
/// `--ledger`, `--config` and `--listen` themselves. (Environment over file over default is table-tested in
/// `ConfigPrecedenceTests`.)
@Suite(.timingSensitive) struct ConfigPrecedenceEndToEndTests {
    /// Which layers set the ledger; the winner is the first set of flag, environment, file, default.
    enum LedgerLayers: String, CaseIterable, Sendable {
        case flagEnvironmentFile, environmentFile, file, none, flagOnly
    }

    @Test(arguments: LedgerLayers.allCases)
    func ledgerFlagOverEnvironmentOverFileOverDefault(layers: LedgerLayers) async throws {
        let scenario = try Scenario()
        let paths = [
            "flag": scenario.directory + "/flag.sqlite", "environment": scenario.directory + "/environment.sqlite",
            "file": scenario.directory + "/file.sqlite", "default": scenario.directory + "/logzio-resolver.sqlite",
        ]
        let usesFile = [.flagEnvironmentFile, .environmentFile, .file].contains(layers)
        let usesEnvironment = [.flagEnvironmentFile, .environmentFile].contains(layers)
        let usesFlag = [.flagEnvironmentFile, .flagOnly].contains(layers)
        let expected =
            usesFlag ? "flag" : usesEnvironment ? "environment" : usesFile ? "file" : "default"
        try scenario.writeConfig(usesFile ? "ledger: \(paths["file"] ?? "")\n" : "")
        var arguments = ["record"]
        if usesFlag { arguments += ["--ledger", paths["flag"] ?? ""] }
        let alert = #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"h","check":"c"}"#
        let result = try await scenario.run(
            arguments, stdin: alert,
            environment: ["LOGZIO_RESOLVER_LEDGER": usesEnvironment ? paths["environment"] : nil])
        #expect(result.code == 0, "\(result.stderr)")
        for (layer, path) in paths {
            #expect(
                FileManager.default.fileExists(atPath: path) == (layer == expected),
                "\(layers): \(layer) ledger \(path) exists: \(FileManager.default.fileExists(atPath: path))")
        }
    }

    @Test func configFlagOverEnvironment() async throws {
        let scenario = try Scenario()
        let flagConfig = scenario.directory + "/flag.yaml"
        try "ledger: \(scenario.directory)/from-flag-config.sqlite\n".write(
            toFile: flagConfig, atomically: true, encoding: .utf8)
        try scenario.writeConfig("ledger: \(scenario.directory)/from-env-config.sqlite\n")
        let alert = #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"h","check":"c"}"#
        let noLedgerVariable: [String: String?] = ["LOGZIO_RESOLVER_LEDGER": nil]

        // LOGZIO_RESOLVER_CONFIG (the scenario's) when there is no --config.
        var result = try await scenario.run(["record"], stdin: alert, environment: noLedgerVariable)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: scenario.directory + "/from-env-config.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: scenario.directory + "/from-flag-config.sqlite"))

        // --config wins over LOGZIO_RESOLVER_CONFIG.
        result = try await scenario.run(
            ["record", "--config", flagConfig], stdin: alert, environment: noLedgerVariable)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: scenario.directory + "/from-flag-config.sqlite"))

        // A bad file named by --config is the one reported, though LOGZIO_RESOLVER_CONFIG is fine.
        try "frobnicate: 1\n".write(toFile: flagConfig, atomically: true, encoding: .utf8)
        result = try await scenario.run(["list", "--config", flagConfig], environment: noLedgerVariable)
        #expect(result.code == 78)
        #expect(result.stderr.contains("flag.yaml:1: frobnicate"), "\(result.stderr)")
    }

    @Test func listenFlagOverRelayListen() async throws {
        let scenario = try Scenario()
        let filePort = try freePort()
        try scenario.writeConfig("relay:\n  listen: 127.0.0.1:\(filePort)\n  forward: false\n")
        // RelayProcess passes --listen with a port of its own and waits for /healthz there.
        let relay = try await RelayProcess.start(scenario: scenario)
        #expect(relay.port != filePort)
        let health = try await relay.health()
        #expect(health["status"] as? String == "ok")
        let onFilePort = try? await relay.client.send(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(filePort)/healthz", timeout: .seconds(1)))
        #expect(onFilePort == nil, "relay.listen's port answered although --listen was given")
        #expect(relay.terminate() == 0)
    }
}
