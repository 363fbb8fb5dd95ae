import BillingCore
import ConfigurationFiles
import Foundation
import Mustache

/// One notification rendered for one recipient.
package struct RenderedNotification: Sendable, Equatable {
    package var subject: String
    package var text: String
    package var html: String
    /// Variables the templates asked for and the values lacked (rendered empty). A template
    /// test fails on any; a send goes ahead and logs them.
    package var missingVariables: [String]
}
