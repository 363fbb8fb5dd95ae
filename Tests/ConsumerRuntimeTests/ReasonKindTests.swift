import Testing

@testable import ConsumerRuntime

@Suite("ReasonKind")
struct ReasonKindTests {
    @Test func reasonsThatDifferOnlyInIdsNumbersAndQuotedValuesAreOneKind() {
        let reasons = (0..<10_000).map { index in
            "subscription sub_1Nx\(index)AbC of event evt_\(index) is not known yet; attempt \(index % 7) of 'cus_\(index)'"
        }
        let kinds = Set(reasons.map(ReasonKind.of))
        #expect(kinds == ["subscription <id> of event <id> is not known yet; attempt <n> of '…'"])
    }

    @Test(arguments: [
        ("undecodable payload: missing field data.object.customer", "undecodable payload: missing field data.object.customer"),
        ("database error 23505: duplicate key value violates unique constraint \"usage_pkey\"",
         "database error <n>: duplicate key value violates unique constraint \"…\""),
        ("past_due is not a status the command expects", "past_due is not a status the command expects"),
        ("request 0b8f2c1e-5d7a-4f3e-9c2b-1a2b3c4d5e6f failed", "request <uuid> failed"),
        ("HTTP 503: upstream 'half", "HTTP <n>: upstream '…"),
    ])
    func wordsStayAndValuesGo(reason: String, kind: String) {
        #expect(ReasonKind.of(reason) == kind)
    }
}
