extension Migration {
    /// The archive of every Stripe event received, once each: the pipe's proof and the source
    /// for replays.
    static let m0002_stripeEvents = Migration(version: 2, name: "stripe_events", statements: [
        """
        CREATE TABLE stripe_events (
            id          text        PRIMARY KEY,
            type        text        NOT NULL,
            created     timestamptz,
            livemode    boolean,
            api_version text,
            payload     jsonb       NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX stripe_events_type_created ON stripe_events (type, created)",
    ])
}
