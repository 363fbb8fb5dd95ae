/// Whether a recipient taken from Stripe or a tenant can go into an SMTP envelope and a `To:`
/// header as it is. A CR or LF would start a new header (or SMTP command); other control bytes,
/// spaces, angle brackets and commas would change what the header means. Such an address is
/// skipped and logged, never sent.
package enum EmailAddress {
    /// True for `local@domain` with one `@`, a dot in the domain, at most 254 bytes, and no
    /// control byte, space, `<`, `>`, `,`, `;`, `"` or `\`.
    package static func isSendable(_ address: String) -> Bool {
        guard address.utf8.count <= 254 else { return false }
        let forbidden: Set<UInt8> = Set(Array(" <>,;\"\\()[]".utf8))
        guard address.utf8.allSatisfy({ $0 > 0x1F && $0 != 0x7F && !forbidden.contains($0) }) else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
            return false
        }
        return true
    }
}
