extension Migration {
    /// The inbox: a consumer records each event it applied in the same transaction as the
    /// effects, so a redelivered or duplicated event changes nothing.
    static let m0001_inbox = Migration(version: 1, name: "inbox", statements: [
        """
        CREATE TABLE processed_events (
            consumer     text        NOT NULL,
            event_id     text        NOT NULL,
            processed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, event_id)
        )
        """,
        "CREATE INDEX processed_events_processed_at ON processed_events (processed_at)",
    ])
}
