import Foundation
import TestSupport
import Testing

@Suite(.timingSensitive) struct PostgresLedgerStringEndToEndTests {
    @Test(arguments: [
        "postgres://app:hunter2-secret@db.example/ledger",
        "postgresql://db.example/ledger?password=hunter2-secret",
        "host=db.example dbname=ledger password=hunter2-secret",
    ])
    func aPasswordInTheLedgerStringIsRefusedAndNeverPrinted(ledger: String) async throws {
        let scenario = try Scenario()
        let flag = try await scenario.run(["list", "--ledger", ledger])
        #expect(flag.code == 64, "on the command line: usage")
        let environment = try await scenario.run(["list"], environment: ["LOGZIO_RESOLVER_LEDGER": ledger])
        #expect(environment.code == 78, "in the environment: configuration")
        try scenario.writeConfig("ledger: \"\(ledger)\"\n")
        let file = try await scenario.run(["check"], environment: ["LOGZIO_RESOLVER_LEDGER": nil])
        #expect(file.code == 78, "in the config file: configuration")
        for run in [flag, environment, file] {
            #expect(run.stderr.contains("PGPASSWORD"), "\(run.stderr)")
            #expect(!run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"))
        }
    }
}
