import BillingCore
import ConfigurationFiles
import Foundation
import Mustache

/// One notification rendered for one recipient.
public struct RenderedNotification: Sendable, Equatable {
    public var subject: String
    public var text: String
    public var html: String
    /// Variables the templates asked for and the values lacked (rendered empty). A template
    /// test fails on any; a send goes ahead and logs them.
    public var missingVariables: [String]
}
