import Testing

@testable import ConfigurationFiles

/// Decoding configuration files into `Codable` values: every error names the file, the key
/// path and what the key takes.
@Suite("YAML files")
struct YAMLFileTests {
    struct Outer: StrictDecodable {
        var count: Int?
        var price: QuotedDecimal?
        var inner: Strict<Inner>?
        var items: [Strict<Inner>]?

        enum CodingKeys: String, CodingKey, CaseIterable { case count, price, inner, items }
    }

    struct Inner: StrictDecodable {
        var name: String

        enum CodingKeys: String, CodingKey, CaseIterable { case name }
    }

    func decode(_ text: String) throws(ConfigurationFileError) -> Outer {
        try YAMLFile.decode(Strict<Outer>.self, from: text, file: "f.yaml").value
    }

    @Test func aWellFormedFileDecodes() throws {
        let outer = try decode("count: 3\nprice: \"0.005\"\ninner: {name: a}\nitems: [{name: b}]\n")
        #expect(outer.count == 3)
        #expect(outer.price?.text == "0.005")
        #expect(outer.inner?.name == "a")
        #expect(outer.items?.first?.name == "b")
    }

    @Test(arguments: [
        ("cuont: 3\n", "f.yaml: cuont: unknown key (known: count, inner, items, price)"),
        ("inner: {name: a, nmae: b}\n", "f.yaml: inner.nmae: unknown key (known: name)"),
        ("items: [{name: a}, {name: b, x: 1}]\n", "f.yaml: items[1].x: unknown key (known: name)"),
        ("count: many\n", "f.yaml: count: expected a whole number"),
        ("price: 0.005\n", "f.yaml: price: expected a decimal amount in quotes, such as \"0.01\""),
        ("inner: {}\n", "f.yaml: inner.name: required"),
        ("inner: [a]\n", "f.yaml: inner: expected a mapping"),
        ("items: {name: a}\n", "f.yaml: items: expected a list"),
        ("count: [1]\n", "f.yaml: count: expected a single value, not a list or a mapping"),
        ("- a\n- b\n", "f.yaml: expected a mapping at the top level"),
    ])
    func errorsNameTheKeyAndWhatItTakes(text: String, message: String) {
        do {
            _ = try decode(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func textThatIsNotYAMLNamesTheFile() {
        do {
            _ = try decode("count: [unclosed\n")
            Issue.record("accepted")
        } catch {
            #expect(error.file == "f.yaml")
            #expect(error.key == nil)
            #expect(error.reason.hasPrefix("not valid YAML"))
        }
    }
}
