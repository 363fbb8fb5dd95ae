import Testing

@testable import Notifications

@Suite("WebhookURLPolicy")
struct WebhookURLPolicyTests {
    let policy = WebhookURLPolicy()

    @Test func onlyHTTPSWithAHostAndNoCredentials() throws {
        #expect(try policy.target(of: "https://hooks.acme.io/billing") == WebhookTarget(scheme: "https", host: "hooks.acme.io", port: 443))
        #expect(try policy.target(of: "https://hooks.acme.io:8443/b").port == 8443)
        #expect(throws: WebhookURLRefusal.notHTTPS) { try policy.target(of: "http://hooks.acme.io/billing") }
        #expect(throws: WebhookURLRefusal.notHTTPS) { try policy.target(of: "ftp://hooks.acme.io/") }
        #expect(throws: WebhookURLRefusal.notAURL) { try policy.target(of: "hooks.acme.io/billing") }
        #expect(throws: WebhookURLRefusal.credentialsInURL) { try policy.target(of: "https://user:pw@hooks.acme.io/") }
    }

    @Test func addressLiteralsAreCheckedWithoutALookup() throws {
        for url in ["https://127.0.0.1/", "https://169.254.169.254/latest/meta-data/", "https://[::1]/", "https://[fd00:ec2::254]/",
                    "https://[::ffff:10.0.0.1]/", "https://0.0.0.0/", "https://[fe80::1]/"] {
            #expect(throws: WebhookURLRefusal.self, "\(url)") { try policy.target(of: url) }
        }
        #expect(try policy.target(of: "https://[2606:4700::1111]/").host == "2606:4700::1111")
        #expect(try policy.target(of: "https://8.8.8.8/").host == "8.8.8.8")
    }

    @Test(arguments: ["127.0.0.1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                      "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1",
                      "::", "::1", "fc00::1", "fd00:ec2::254", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "64:ff9b::a00:1", "2001:db8::1",
                      "not an address"])
    func privateAndSpecialAddressesAreNotPublic(address: String) {
        #expect(!WebhookURLPolicy.isPublic(address))
    }

    @Test(arguments: ["8.8.8.8", "93.184.215.14", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])
    func publicAddressesArePublic(address: String) {
        #expect(WebhookURLPolicy.isPublic(address))
    }

    @Test func everyResolvedAddressMustBePublic() throws {
        #expect(throws: WebhookURLRefusal.privateAddress("10.0.0.2")) { try policy.check(addresses: ["8.8.8.8", "10.0.0.2"]) }
        #expect(throws: WebhookURLRefusal.unresolvable) { try policy.check(addresses: []) }
        try policy.check(addresses: ["8.8.8.8", "2606:4700::1111"])
    }

    @Test func aNameResolvingToLoopbackIsRefusedAtLookup() async throws {
        await #expect(throws: WebhookURLRefusal.self) {
            _ = try await policy.resolve(try policy.target(of: "https://localhost/hooks"), timeout: .seconds(5))
        }
    }

    @Test func privateNetworksCanBeAllowedForDevelopment() async throws {
        let development = WebhookURLPolicy(allowPrivateNetworks: true)
        #expect(try development.target(of: "http://127.0.0.1:9000/hooks").port == 9000)
        #expect(try await development.resolve(try development.target(of: "http://localhost:9000/"), timeout: .seconds(5)).isEmpty == false)
    }
}
