/// Who a dunning notification goes to, from the billing account's contacts.
public enum ContactRole: String, Sendable, Hashable, CaseIterable, Codable {
    case billing, admin
    case accountManager = "account_manager"
}
