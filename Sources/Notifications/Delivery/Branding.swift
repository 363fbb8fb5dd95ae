/// What every template shows of the company that sends it.
package struct Branding: Sendable, Equatable {
    package var companyName: String
    package var address: String
    package var phone: String
    package var email: String
    package var website: String
    package var primaryColor: String
    package var logoURL: String
    package var paymentInstructions: String

    package init(companyName: String, address: String, phone: String, email: String, website: String, primaryColor: String,
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
