import Foundation

/// One consumer as `consumers/<name>.yaml` declares it: its queue, what it is bound to, how
/// much it takes at once, and how failures are retried. The same file drives
/// `billing topology declare` and the consumer at start.
public struct ConsumerDefinition: Sendable, Equatable {
    /// The consumer's name; its queues are `billing.<name>`, `billing.<name>.retry.<delay>` and
    /// `billing.<name>.dead`.
    public var name: String
    public var queue: String
    /// Topic patterns on `billing.events`, e.g. `stripe.invoice.*` or `internal.usage.#`.
    public var bindings: [String]
    /// Unacknowledged deliveries the broker hands this consumer at once (`basic.qos`).
    public var prefetch: UInt16
    /// Deliveries (or batches) handled at the same time in one process.
    public var concurrency: Int
    /// The most deliveries handled together in one transaction (`batch_size`, default 1). A
    /// batch is what has arrived when a worker is free: no delivery waits for a batch to fill.
    public var batchSize: Int
    /// The wait before retry 1, 2, …; the last delay repeats when there are more attempts.
    public var retryDelays: [Duration]
    /// Handler attempts in all, the first included; then the message is dead-lettered.
    public var maxAttempts: Int
    /// The broker's own redelivery limit on the work queue (`x-delivery-limit`): a message that
    /// crashes the process on every delivery ends in the dead-letter queue instead of looping.
    /// Above `maxAttempts`, since handled failures never count against it.
    public var deliveryLimit: Int

    public var deadLetterQueue: String { "\(queue).dead" }

    /// The retry queue that holds a message for `delay` before returning it to ``queue``.
    public func retryQueue(for delay: Duration) -> String { "\(queue).retry.\(delay.compactDescription)" }

    /// The delay before attempt `attempt + 1`, after `attempt` failed attempts (1-based).
    public func retryDelay(afterAttempt attempt: Int) -> Duration {
        retryDelays[min(max(attempt, 1), retryDelays.count) - 1]
    }

    public init(name: String, queue: String? = nil, bindings: [String], prefetch: UInt16 = 50, concurrency: Int = 8,
                retryDelays: [Duration] = [.seconds(5), .seconds(30), .seconds(120), .seconds(600), .seconds(3600)],
                maxAttempts: Int = 6, deliveryLimit: Int? = nil, batchSize: Int = 1) {
        self.name = name
        self.queue = queue ?? "billing.\(name)"
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
    static let knownKeys: Set<String> = ["name", "queue", "bindings", "prefetch", "concurrency", "retry", "delivery_limit", "batch_size"]
    static let knownRetryKeys: Set<String> = ["delays", "max_attempts"]

    /// Parses one consumer file's text; `file` names it in errors.
    public static func parse(yaml text: String, file: String) throws(ConfigurationFileError) -> ConsumerDefinition {
        func fail(_ key: String?, _ reason: String) -> ConfigurationFileError {
            ConfigurationFileError(file: file, key: key, reason: reason)
        }
        let root = try YAMLFile.mapping(text, file: file)
        if let unknown = Set(root.keys).subtracting(knownKeys).sorted().first {
            throw fail(unknown, "unknown key (known: \(knownKeys.sorted().joined(separator: ", ")))")
        }
        guard let name = root["name"] as? String, name.range(of: "^[a-z][a-z0-9_-]*$", options: .regularExpression) != nil else {
            throw fail("name", "required; lowercase letters, digits, - and _")
        }
        let expectedFile = "\(name).yaml"
        if (file as NSString).lastPathComponent != expectedFile, file.hasSuffix(".yaml") {
            throw fail("name", "'\(name)' does not match the file name; expected \(expectedFile)")
        }
        var definition = ConsumerDefinition(name: name, bindings: [])
        if let queue = root["queue"] {
            guard let queue = queue as? String, !queue.isEmpty else { throw fail("queue", "must be a non-empty string") }
            definition.queue = queue
        }
        guard let bindings = root["bindings"] as? [Any], !bindings.isEmpty else {
            throw fail("bindings", "required; a list of routing-key patterns such as stripe.invoice.*")
        }
        definition.bindings = try bindings.enumerated().map { (index, value) throws(ConfigurationFileError) in
            guard let pattern = value as? String, !pattern.isEmpty, !pattern.contains(" ") else {
                throw fail("bindings[\(index)]", "must be a routing-key pattern")
            }
            return pattern
        }
        if let prefetch = root["prefetch"] {
            guard let value = prefetch as? Int, (1...65535).contains(value) else { throw fail("prefetch", "must be a whole number from 1 to 65535") }
            definition.prefetch = UInt16(value)
        }
        if let concurrency = root["concurrency"] {
            guard let value = concurrency as? Int, (1...1024).contains(value) else { throw fail("concurrency", "must be a whole number from 1 to 1024") }
            definition.concurrency = value
        }
        if let batchSize = root["batch_size"] {
            guard let value = batchSize as? Int, (1...Int(definition.prefetch)).contains(value) else {
                throw fail("batch_size", "must be a whole number from 1 to prefetch (\(definition.prefetch))")
            }
            definition.batchSize = value
        }
        if let retry = root["retry"] {
            guard let retry = retry as? [String: Any] else { throw fail("retry", "must be a mapping with delays and max_attempts") }
            if let unknown = Set(retry.keys).subtracting(knownRetryKeys).sorted().first {
                throw fail("retry.\(unknown)", "unknown key (known: delays, max_attempts)")
            }
            if let attempts = retry["max_attempts"] {
                guard let value = attempts as? Int, (1...100).contains(value) else {
                    throw fail("retry.max_attempts", "must be a whole number from 1 to 100")
                }
                definition.maxAttempts = value
            }
            if let delays = retry["delays"] {
                guard let list = delays as? [Any], !list.isEmpty else { throw fail("retry.delays", "must be a non-empty list such as [5s, 30s, 2m]") }
                definition.retryDelays = try list.enumerated().map { (index, value) throws(ConfigurationFileError) in
                    guard let text = value as? String, let duration = Duration(compact: text), duration > .zero else {
                        throw fail("retry.delays[\(index)]", "must be a duration such as 500ms, 5s, 2m or 1h")
                    }
                    return duration
                }
            }
        }
        definition.deliveryLimit = definition.maxAttempts + 2
        if let limit = root["delivery_limit"] {
            guard let value = limit as? Int, value > definition.maxAttempts else {
                throw fail("delivery_limit", "must be a whole number above retry.max_attempts (\(definition.maxAttempts))")
            }
            definition.deliveryLimit = value
        }
        return definition
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
            definitions.append(try parse(yaml: try YAMLFile.text(at: path), file: path))
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

extension Duration {
    /// Parses `500ms`, `5s`, `2m`, `1h`.
    init?(compact text: String) {
        let units: [(suffix: String, make: (Int64) -> Duration)] = [
            ("ms", { .milliseconds($0) }), ("s", { .seconds($0) }), ("m", { .seconds($0 * 60) }), ("h", { .seconds($0 * 3600) }),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let value = Int64(text.dropLast(unit.suffix.count)), value >= 0 else { return nil }
            self = unit.make(value)
            return
        }
        return nil
    }

    /// The shortest of `500ms`, `5s`, `2m`, `1h` that is exact.
    var compactDescription: String {
        let ms = Int64(components.seconds) * 1000 + components.attoseconds / 1_000_000_000_000_000
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }

    /// Whole milliseconds, for broker arguments such as `x-message-ttl`.
    var wholeMilliseconds: Int64 {
        Int64(components.seconds) * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
