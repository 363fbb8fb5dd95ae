import BillingCore
import Foundation
import Hummingbird
import Intake
import Logging
import PostgresNIO
import Storage

// What the dunning routes answer, as JSON.

struct CasesAnswer: ResponseEncodable, Sendable {
    var cases: [CaseRecord]
}

struct CaseAnswer: ResponseEncodable, Sendable {
    var `case`: CaseRecord
    var steps: [StepRecord]
}
