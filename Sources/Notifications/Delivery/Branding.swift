/// What every template shows of the company that sends it.
public struct Branding: Sendable, Equatable {
    public var companyName: String
    public var address: String
    public var phone: String
    public var email: String
    public var website: String
    public var primaryColor: String
    public var logoURL: String
    public var paymentInstructions: String

    public init(companyName: String, address: String, phone: String, email: String, website: String, primaryColor: String,
                logoURL: String, paymentInstructions: String) {
        self.companyName = companyName
        self.address = address
        self.phone = phone
        self.email = email
        self.website = website
        self.primaryColor = primaryColor
        self.logoURL = logoURL
        self.paymentInstructions = paymentInstructions
    }

    /// The values templates read as `brand.*`.
    var templateValues: [String: Any] {
        ["company_name": companyName, "address": address, "phone": phone, "email": email, "website": website,
         "primary_color": primaryColor, "logo_url": logoURL, "payment_instructions": paymentInstructions]
    }
}
