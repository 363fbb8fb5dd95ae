/// Durations as the configuration files write them (`500ms`, `5s`, `2m`, `1h`).
extension Duration {
    /// Parses `500ms`, `5s`, `2m`, `1h`.
    package init?(compact text: String) {
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
    package var compactDescription: String {
        let ms = Int64(components.seconds) * 1000 + components.attoseconds / 1_000_000_000_000_000
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }

    /// Whole milliseconds, for broker arguments such as `x-message-ttl`.
    package var wholeMilliseconds: Int64 {
        Int64(components.seconds) * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
