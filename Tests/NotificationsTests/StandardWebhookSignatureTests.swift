import Foundation
import Testing

@testable import Notifications

@Suite struct StandardWebhookSignatureTests {
    @Test func matchesTheSpecificationsPublishedExample() throws {
        // From the Standard Webhooks reference libraries' tests.
        let key = try #require(StandardWebhookSignature.key(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(StandardWebhookSignature.sign(key: key, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                              body: Array(#"{"test": 2432232314}"#.utf8))
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func aNewSecretIsThirtyTwoRandomBytes() throws {
        let first = StandardWebhookSignature.newSecret(), second = StandardWebhookSignature.newSecret()
        #expect(first.hasPrefix("whsec_") && first != second)
        #expect(try #require(StandardWebhookSignature.key(secret: first)).count == 32)
        #expect(StandardWebhookSignature.key(secret: "whsec_not base64!") == nil)
    }

    @Test func theIDStaysTheSameForEveryAttemptOfANotification() {
        #expect(NotificationHandler.webhookID("k:webhook") == NotificationHandler.webhookID("k:webhook"))
        #expect(NotificationHandler.webhookID("k:webhook") != NotificationHandler.webhookID("k2:webhook"))
        #expect(NotificationHandler.webhookID("k:webhook").hasPrefix("msg_"))
    }
}
