extension Migration {
    /// How often a consumer began handling a redelivered message: a message the broker returned
    /// (its process died, or its connection dropped) is handled alone, after this count is
    /// committed, so a message that kills its process every time is recognised by its count.
    static let m0010_deliveryStarts = Migration(version: 10, name: "delivery_starts", statements: [
        """
        CREATE TABLE delivery_starts (
            consumer   text        NOT NULL,
            event_id   text        NOT NULL,
            starts     integer     NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, event_id)
        )
        """,
    ])
}
