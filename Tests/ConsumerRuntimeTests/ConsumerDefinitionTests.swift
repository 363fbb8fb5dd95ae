import ConfigurationFiles
import Foundation
import Testing

@testable import ConsumerRuntime

@Suite("ConsumerDefinition")
struct ConsumerDefinitionTests {
    let valid = """
        name: lifecycle
        bindings: ["stripe.#", "internal.subscription.#"]
        prefetch: 200
        concurrency: 4
        batch_size: 100
        retry:
          delays: [5s, 30s, 2m, 10m, 1h]
          max_attempts: 6
        """

    @Test func parsesEveryKey() throws {
        let definition = try ConsumerDefinition.parse(yaml: valid, file: "consumers/lifecycle.yaml")
        #expect(definition.name == "lifecycle")
        #expect(definition.queue == "billing.lifecycle")
        #expect(definition.deadLetterQueue == "billing.lifecycle.dead")
        #expect(definition.bindings == ["stripe.#", "internal.subscription.#"])
        #expect(definition.prefetch == 200)
        #expect(definition.concurrency == 4)
        #expect(definition.batchSize == 100)
        #expect(definition.retryDelays == [.seconds(5), .seconds(30), .seconds(120), .seconds(600), .seconds(3600)])
        #expect(definition.maxAttempts == 6)
        #expect(definition.deliveryLimit == 8)
        #expect(definition.retryQueue(for: .seconds(120)) == "billing.lifecycle.retry.2m")
    }

    @Test func theLastDelayRepeatsForLaterAttempts() throws {
        let definition = try ConsumerDefinition.parse(yaml: valid, file: "lifecycle.yaml")
        #expect(definition.retryDelay(afterAttempt: 1) == .seconds(5))
        #expect(definition.retryDelay(afterAttempt: 5) == .seconds(3600))
        #expect(definition.retryDelay(afterAttempt: 9) == .seconds(3600))
    }

    @Test(arguments: [
        ("name: lifecycle\nbindings: []\n", "bindings"),
        ("name: lifecycle\nbindings: [a]\nprefetch: 0\n", "prefetch"),
        ("name: lifecycle\nbindings: [a]\nprefetch: many\n", "prefetch"),
        ("name: lifecycle\nbindings: [a]\nconcurrency: -1\n", "concurrency"),
        ("name: lifecycle\nbindings: [a]\nretry:\n  delays: [5 seconds]\n", "retry.delays[0]"),
        ("name: lifecycle\nbindings: [a]\nretry:\n  max_attempts: 0\n", "retry.max_attempts"),
        ("name: lifecycle\nbindings: [a]\nretry:\n  backoff: 2\n", "retry.backoff"),
        ("name: lifecycle\nbindings: [a]\nprefech: 10\n", "prefech"),
        ("name: lifecycle\nbindings: [a]\ndelivery_limit: 3\n", "delivery_limit"),
        ("name: lifecycle\nbindings: [a]\nprefetch: 10\nbatch_size: 11\n", "batch_size"),
        ("name: lifecycle\nbindings: [a]\nbatch_size: 0\n", "batch_size"),
        ("name: Other\nbindings: [a]\n", "name"),
        ("name: other\nbindings: [a]\n", "name"),
    ])
    func errorsNameTheFileAndTheKey(yaml: String, key: String) {
        do {
            _ = try ConsumerDefinition.parse(yaml: yaml, file: "consumers/lifecycle.yaml")
            Issue.record("expected an error for \(key)")
        } catch {
            #expect(error.file == "consumers/lifecycle.yaml")
            #expect(error.key == key)
            #expect(error.description.hasPrefix("consumers/lifecycle.yaml: \(key): "))
        }
    }

    @Test func invalidYAMLNamesTheFile() {
        #expect(throws: ConfigurationFileError.self) { try ConsumerDefinition.parse(yaml: "name: [unclosed", file: "x.yaml") }
    }

    @Test func theProjectsConsumerFilesAreValid() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../consumers").path
        let definitions = try ConsumerDefinition.loadAll(from: directory)
        #expect(definitions.map(\.name) == ["dunning", "lifecycle", "notifications", "usage"])
    }
}
