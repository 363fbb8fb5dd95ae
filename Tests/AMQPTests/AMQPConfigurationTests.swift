import Testing

@testable import AMQP

@Suite("AMQPConfiguration")
struct AMQPConfigurationTests {
    @Test func parsesAFullURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://billing:s%40cret@broker.internal:5682/prod?heartbeat=10&connection_timeout=2500")
        #expect(configuration.host == "broker.internal")
        #expect(configuration.port == 5682)
        #expect(configuration.user == "billing")
        #expect(configuration.password == "s@cret")
        #expect(configuration.virtualHost == "prod")
        #expect(configuration.heartbeat == .seconds(10))
        #expect(configuration.connectTimeout == .milliseconds(2500))
        #expect(!configuration.useTLS)
    }

    @Test func percentEncodedSlashIsTheDefaultVhost() throws {
        #expect(try AMQPConfiguration(url: "amqp://guest:guest@127.0.0.1:5682/%2f").virtualHost == "/")
        #expect(try AMQPConfiguration(url: "amqp://localhost").virtualHost == "/")
    }

    @Test func amqpsDefaultsToPort5671AndVerifiesPeers() throws {
        let configuration = try AMQPConfiguration(url: "amqps://u:p@mq.example.com/?cacertfile=/etc/ca.pem")
        #expect(configuration.useTLS)
        #expect(configuration.port == 5671)
        #expect(configuration.verifyPeer)
        #expect(configuration.caCertificatePath == "/etc/ca.pem")
        #expect(try AMQPConfiguration(url: "amqps://u:p@mq/?verify=verify_none").verifyPeer == false)
    }

    @Test(arguments: [
        "http://localhost", "amqp://", "amqp://host/a/b", "amqp://host?heartbeat=x", "amqp://host?color=red", "not a url",
    ])
    func rejectsBadURLs(_ url: String) {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: url) }
    }

    @Test func errorsAndRedactedDescriptionNeverShowThePassword() throws {
        let configuration = try AMQPConfiguration(url: "amqp://user:hunter2hunter2@host:1/%2f")
        #expect(!configuration.redactedDescription.contains("hunter2"))
        do {
            _ = try AMQPConfiguration(url: "amqp://user:hunter2hunter2@host:1/%2f?bad=1")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }
}
