import Foundation
import Testing

/// The rules of `docs/ARCHITECTURE.md` that can be read off the sources, checked on every run
/// so that they stay true: every public declaration documented, no file too long, no untyped
/// configuration walking.
@Suite("Source rules")
struct SourceRulesTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every `.swift` file under `Sources`, with its path relative to it and its lines.
    static func files() throws -> [(path: String, lines: [Substring])] {
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else {
            throw CocoaError(.fileReadNoSuchFile)
        }
        var files: [(String, [Substring])] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            files.append((String(url.path.dropFirst(sources.path.count + 1)), text.split(separator: "\n", omittingEmptySubsequences: false)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// `public` after any attributes, not `public import`.
    static func isPublicDeclaration(_ line: Substring) -> Bool {
        var rest = line.drop(while: \.isWhitespace)
        while rest.hasPrefix("@") {
            // Skip one attribute, with its parenthesised arguments if any.
            rest = rest.drop(while: { !$0.isWhitespace && $0 != "(" })
            if rest.hasPrefix("(") {
                var depth = 0
                var index = rest.startIndex
                while index < rest.endIndex {
                    if rest[index] == "(" { depth += 1 }
                    if rest[index] == ")" { depth -= 1; if depth == 0 { break } }
                    index = rest.index(after: index)
                }
                rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
            }
            rest = rest.drop(while: \.isWhitespace)
        }
        return rest.hasPrefix("public ") && !rest.hasPrefix("public import ")
    }

    @Test func everyPublicDeclarationHasADocComment() throws {
        var undocumented: [String] = []
        var count = 0
        for (path, lines) in try Self.files() {
            for (index, line) in lines.enumerated() where Self.isPublicDeclaration(line) {
                count += 1
                var previous = index - 1
                while previous >= 0, lines[previous].drop(while: \.isWhitespace).hasPrefix("@") { previous -= 1 }
                if previous < 0 || !lines[previous].drop(while: \.isWhitespace).hasPrefix("///") {
                    undocumented.append("\(path):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(count > 500, "the scan found \(count) public declarations: is it reading Sources?")
        #expect(undocumented.isEmpty, "public without ///:\n\(undocumented.joined(separator: "\n"))")
    }

    @Test func noSourceFileIsLongerThan450Lines() throws {
        let long = try Self.files().filter { $0.lines.count > 451 }.map { "\($0.path): \($0.lines.count - 1) lines" }
        #expect(long.isEmpty, "\(long)")
    }

    @Test func configurationIsDecodedNotWalked() throws {
        let walked = try Self.files().flatMap { file in
            file.lines.enumerated().filter { $0.element.contains("as? [String: Any]") || $0.element.contains("as! [String: Any]") }
                .map { "\(file.path):\($0.offset + 1)" }
        }
        #expect(walked.isEmpty, "\(walked)")
    }

    @Test func theScannerSeesPublicDeclarationsAsTheCompilerDoes() {
        #expect(Self.isPublicDeclaration("    public var x: Int"))
        #expect(Self.isPublicDeclaration("@discardableResult public func f()"))
        #expect(Self.isPublicDeclaration("    @available(*, deprecated, message: \"x (y)\") public init()"))
        #expect(!Self.isPublicDeclaration("public import Foundation"))
        #expect(!Self.isPublicDeclaration("    package var x: Int"))
        #expect(!Self.isPublicDeclaration("    /// public things"))
    }
}
