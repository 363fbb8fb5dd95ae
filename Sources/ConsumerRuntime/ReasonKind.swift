/// What a dead letter's reason says once the values that differ per event are taken out, so
/// that 10,000 dead letters of one cause group as one line: object ids (`sub_1Nx…`, `evt_…`),
/// numbers, quoted values and UUIDs become placeholders, and what stays names the error and the
/// field (`undecodable payload: missing field data.object.customer`).
public enum ReasonKind {
    /// The kind of `reason`: the same for reasons that differ only in ids, numbers or quoted values.
    public static func of(_ reason: String) -> String {
        var out = ""
        out.reserveCapacity(reason.utf8.count)
        var word = ""
        var quote: Character?
        func flush() {
            guard !word.isEmpty else { return }
            out += placeholder(for: word) ?? word
            word = ""
        }
        for character in reason {
            if let open = quote {
                if character == open {
                    out += "\(open)…\(open)"
                    quote = nil
                }
                continue
            }
            if character == "'" || character == "\"" || character == "`" {
                flush()
                quote = character
            } else if character.isLetter || character.isNumber || character == "_" || character == "-" {
                word.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        if let open = quote { out += "\(open)…" }  // an unterminated quote hides its rest
        return out
    }

    /// `<id>` for an object id (`prefix_value`, letters before the first `_`), `<n>` for a
    /// number, `<uuid>` for a UUID; nil for an ordinary word.
    static func placeholder(for word: String) -> String? {
        if word.allSatisfy(\.isNumber) { return "<n>" }
        if word.count == 36, word.filter({ $0 == "-" }).count == 4, word.allSatisfy({ $0.isHexDigit || $0 == "-" }) { return "<uuid>" }
        if let underscore = word.firstIndex(of: "_"), underscore != word.startIndex {
            let prefix = word[..<underscore], rest = word[word.index(after: underscore)...]
            // `sub_1Nx…`, `evt_test_…`, `in_9`: a short lower-case prefix, then something with a
            // digit in it (so `missing_field` or `past_due` stay words).
            if prefix.count <= 8, prefix.allSatisfy(\.isLowercase), rest.contains(where: \.isNumber) { return "<id>" }
        }
        return nil
    }
}
