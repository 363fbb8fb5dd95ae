/// Which handler runs each consumer of `consumers/*.yaml`. A consumer without one is not
/// started (its queue keeps its messages until a build that handles them runs).
public enum ConsumerCatalog {
    public static func handler(for consumer: String) -> (any EventHandler)? {
        switch consumer {
        case "lifecycle": StripeEventArchive()
        default: nil
        }
    }
}
