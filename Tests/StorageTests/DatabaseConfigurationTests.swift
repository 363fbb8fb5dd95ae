import Testing

@testable import Storage

@Suite("DatabaseConfiguration")
struct DatabaseConfigurationTests {
    @Test func timeoutsHaveProductionDefaultsAndComeFromTheURL() throws {
        let defaults = try DatabaseConfiguration(url: "postgres://billing:pw@db.internal:5432/billing")
        #expect(defaults.connectTimeout == .seconds(5))
        #expect(defaults.statementTimeout == .seconds(30))
        #expect(defaults.clientConfiguration.options.additionalStartupParameters.map { "\($0.0)=\($0.1)" } == ["statement_timeout=30000"])
        let tuned = try DatabaseConfiguration(url: "postgres://billing:pw@db.internal/billing?connect_timeout=2&statement_timeout=1500")
        #expect(tuned.connectTimeout == .seconds(2))
        #expect(tuned.clientConfiguration.options.connectTimeout == .seconds(2))
        #expect(tuned.clientConfiguration.options.additionalStartupParameters.map { "\($0.0)=\($0.1)" } == ["statement_timeout=1500"])
    }

    @Test(arguments: ["connect_timeout=0", "connect_timeout=x", "statement_timeout=-1", "statement_timeout=1e3"])
    func badTimeoutsAreRefusedWithoutThePassword(_ query: String) {
        #expect {
            try DatabaseConfiguration(url: "postgres://billing:topsecret@db.internal/billing?\(query)")
        } throws: { error in
            "\(error)".contains(query.split(separator: "=")[0]) && !"\(error)".contains("topsecret")
        }
    }

    @Test func sslModesCheckWhatLibpqsModesOfTheSameNameCheck() throws {
        let base = "postgres://billing:pw@db.internal:5432/billing"
        #expect(try DatabaseConfiguration(url: base).sslMode == "disable")
        #expect(try DatabaseConfiguration(url: base + "?sslmode=require").tlsConfiguration.certificateVerification == .none)
        #expect(try DatabaseConfiguration(url: base + "?sslmode=verify-ca").tlsConfiguration.certificateVerification == .noHostnameVerification)
        let full = try DatabaseConfiguration(url: base + "?sslmode=verify-full&sslrootcert=/etc/hostname")
        #expect(full.tlsConfiguration.certificateVerification == .fullVerification)
        #expect(full.rootCertificatePath == "/etc/hostname")
        #expect(throws: StorageError.self) { try DatabaseConfiguration(url: base + "?sslmode=verify") }
        #expect(throws: StorageError.self) { try DatabaseConfiguration(url: base + "?sslmode=verify-full&sslrootcert=/no/such/ca.pem") }
    }
}
