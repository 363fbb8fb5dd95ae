import ConfigurationFiles
import Foundation
import Messages

/// One consumer as `consumers/<name>.yaml` declares it: its queue, what it is bound to, how
/// much it takes at once, and how failures are retried. The same file drives
/// `billing topology declare` and the consumer at start.
public struct ConsumerDefinition: Sendable, Equatable {
    /// The consumer's name; its queues are `billing.<name>`, `billing.<name>.retry.<delay>` and
    /// `billing.<name>.dead`.
    public var name: String
    /// The work queue it consumes: `billing.<name>` unless the file names another.
    package var queue: String
    /// Topic patterns on `billing.events`, e.g. `stripe.invoice.*` or `internal.usage.#`.
    package var bindings: [String]
    /// Unacknowledged deliveries the broker hands this consumer at once (`basic.qos`).
    package var prefetch: UInt16
    /// Deliveries (or batches) handled at the same time in one process.
    package var concurrency: Int
    /// The most deliveries handled together in one transaction (`batch_size`, default 1). A
    /// batch is what has arrived when a worker is free: no delivery waits for a batch to fill.
    package var batchSize: Int
    /// The wait before retry 1, 2, …; the last delay repeats when there are more attempts.
    package var retryDelays: [Duration]
    /// Handler attempts in all, the first included; then the message is dead-lettered.
    var maxAttempts: Int
    /// The broker's own redelivery limit on the work queue (`x-delivery-limit`): a message that
    /// crashes the process on every delivery ends in the dead-letter queue instead of looping.
    /// Above `maxAttempts`, since handled failures never count against it. A backstop: the
    /// runner dead-letters such a message itself after ``crashLimit`` crashes.
    package var deliveryLimit: Int

    /// Times a redelivered message may be the one being handled when its process dies before
    /// the runner dead-letters it without handling it again: 3, and always at least two below
    /// the broker's ``deliveryLimit``, so that the innocent messages returned with it at each
    /// crash stay below that limit.
    package var crashLimit: Int { max(1, min(3, deliveryLimit - 2)) }

    /// The queue its dead letters wait in, `<queue>.dead`, for the `billing dlq` commands.
    public var deadLetterQueue: String { BrokerNames.deadLetterQueue(of: queue) }

    /// The retry queue that holds a message for `delay` before returning it to ``queue``.
    package func retryQueue(for delay: Duration) -> String {
        BrokerNames.retryQueue(of: queue, delay: delay.compactDescription)
    }

    /// The delay before attempt `attempt + 1`, after `attempt` failed attempts (1-based).
    package func retryDelay(afterAttempt attempt: Int) -> Duration {
        retryDelays[min(max(attempt, 1), retryDelays.count) - 1]
    }

    /// A definition as a consumer file without those keys would give; tests build theirs with it.
    package init(name: String, queue: String? = nil, bindings: [String], prefetch: UInt16 = 50, concurrency: Int = 8,
                 retryDelays: [Duration] = [.seconds(5), .seconds(30), .seconds(120), .seconds(600), .seconds(3600)],
                 maxAttempts: Int = 6, deliveryLimit: Int? = nil, batchSize: Int = 1) {
        self.name = name
        self.queue = queue ?? BrokerNames.workQueue(consumer: name)
        self.bindings = bindings
        self.prefetch = prefetch
        self.concurrency = concurrency
        self.retryDelays = retryDelays
        self.maxAttempts = maxAttempts
        self.deliveryLimit = deliveryLimit ?? maxAttempts + 2
        self.batchSize = batchSize
    }
}

extension ConsumerDefinition {
    /// Parses one consumer file's text; `file` names it in errors.
    package static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> ConsumerDefinition {
        try YAMLFile.parse(File.self, yaml: text, file: file)
    }

    /// `consumers/<name>.yaml` as written.
    struct File: ConfigurationDocument {
        var name: String?
        var queue: String?
        var bindings: [String]?
        var prefetch: Int?
        var concurrency: Int?
        var retry: Strict<Retry>?
        var deliveryLimit: Int?
        var batchSize: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, queue, bindings, prefetch, concurrency, retry
            case deliveryLimit = "delivery_limit"
            case batchSize = "batch_size"
        }

        struct Retry: StrictDecodable {
            var delays: [String]?
            var maxAttempts: Int?

            enum CodingKeys: String, CodingKey, CaseIterable {
                case delays
                case maxAttempts = "max_attempts"
            }
        }

        /// The definition the file describes, or the first thing wrong with it.
        func validate(file: String) throws(ConfigurationFileError) -> ConsumerDefinition {
            func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
                ConfigurationFileError(file: file, key: key, reason: reason)
            }
            guard let name, name.range(of: "^[a-z][a-z0-9_-]*$", options: .regularExpression) != nil else {
                throw fail("name", "required; lowercase letters, digits, - and _")
            }
            let expectedFile = "\(name).yaml"
            if (file as NSString).lastPathComponent != expectedFile, file.hasSuffix(".yaml") {
                throw fail("name", "'\(name)' does not match the file name; expected \(expectedFile)")
            }
            var definition = ConsumerDefinition(name: name, bindings: [])
            if let queue {
                guard !queue.isEmpty else { throw fail("queue", "must be a non-empty string") }
                definition.queue = queue
            }
            guard let bindings, !bindings.isEmpty else {
                throw fail("bindings", "required; a list of routing-key patterns such as stripe.invoice.*")
            }
            for (index, pattern) in bindings.enumerated() where pattern.isEmpty || pattern.contains(" ") {
                throw fail("bindings[\(index)]", "must be a routing-key pattern")
            }
            definition.bindings = bindings
            if let prefetch {
                guard (1...65535).contains(prefetch) else { throw fail("prefetch", "must be a whole number from 1 to 65535") }
                definition.prefetch = UInt16(prefetch)
            }
            if let concurrency {
                guard (1...1024).contains(concurrency) else { throw fail("concurrency", "must be a whole number from 1 to 1024") }
                definition.concurrency = concurrency
            }
            if let batchSize {
                guard (1...Int(definition.prefetch)).contains(batchSize) else {
                    throw fail("batch_size", "must be a whole number from 1 to prefetch (\(definition.prefetch))")
                }
                definition.batchSize = batchSize
            }
            if let attempts = retry?.maxAttempts {
                guard (1...100).contains(attempts) else { throw fail("retry.max_attempts", "must be a whole number from 1 to 100") }
                definition.maxAttempts = attempts
            }
            if let delays = retry?.delays {
                guard !delays.isEmpty else { throw fail("retry.delays", "must be a non-empty list such as [5s, 30s, 2m]") }
                definition.retryDelays = try delays.enumerated().map { (index, text) throws(ConfigurationFileError) in
                    guard let duration = Duration(compact: text), duration > .zero else {
                        throw fail("retry.delays[\(index)]", "must be a duration such as 500ms, 5s, 2m or 1h")
                    }
                    return duration
                }
            }
            definition.deliveryLimit = definition.maxAttempts + 2
            if let deliveryLimit {
                guard deliveryLimit > definition.maxAttempts else {
                    throw fail("delivery_limit", "must be a whole number above retry.max_attempts (\(definition.maxAttempts))")
                }
                definition.deliveryLimit = deliveryLimit
            }
            return definition
        }
    }

    /// Reads every `*.yaml` file in `directory`, sorted by name.
    public static func loadAll(from directory: String) throws(ConfigurationFileError) -> [ConsumerDefinition] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw ConfigurationFileError(file: directory, key: nil, reason: "cannot read the consumers directory: \(error.localizedDescription)")
        }
        guard !files.isEmpty else {
            throw ConfigurationFileError(file: directory, key: nil, reason: "no consumer files (*.yaml) found")
        }
        var definitions: [ConsumerDefinition] = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            definitions.append(try YAMLFile.load(File.self, path: path))
        }
        var seen: [String: String] = [:]
        for definition in definitions {
            if let other = seen[definition.queue] {
                throw ConfigurationFileError(file: definition.name, key: "queue", reason: "queue \(definition.queue) is also used by \(other)")
            }
            seen[definition.queue] = definition.name
        }
        return definitions
    }
}
