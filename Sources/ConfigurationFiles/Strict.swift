/// A mapping of a configuration file whose keys are exactly its `CodingKeys`.
package protocol StrictDecodable: Decodable {
    associatedtype CodingKeys: CodingKey & CaseIterable
}

/// A ``StrictDecodable`` mapping that refuses a key its type does not name, so a misspelt
/// setting stops start-up instead of being ignored. `Codable` ignores unknown keys, and
/// neither Yams nor Foundation has an option to refuse them; this is the one check added.
@dynamicMemberLookup
package struct Strict<Value: StrictDecodable>: Decodable {
    package var value: Value

    package subscript<Member>(dynamicMember keyPath: KeyPath<Value, Member>) -> Member { value[keyPath: keyPath] }

    package init(from decoder: any Decoder) throws {
        let known = Value.CodingKeys.allCases.map(\.stringValue)
        let present = try decoder.container(keyedBy: AnyKey.self).allKeys
        if let unknown = present.map(\.stringValue).filter({ !known.contains($0) }).sorted().first {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [AnyKey(stringValue: unknown)],
                                                    debugDescription: "unknown key (known: \(known.sorted().joined(separator: ", ")))"))
        }
        value = try Value(from: decoder)
    }

    /// Any key of a mapping.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
