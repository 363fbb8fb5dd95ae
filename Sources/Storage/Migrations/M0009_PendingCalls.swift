extension Migration {
    /// Calls to Stripe that a consumer decided inside its transaction and makes after the
    /// commit, so that no row lock is held while Stripe answers. A row lives from the decision
    /// until the outcome is recorded (in the same transaction that deletes it); a crash in
    /// between leaves it for the sweeper once its claim has expired.
    static let m0009_pendingCalls = Migration(version: 9, name: "pending_calls", statements: [
        """
        CREATE TABLE pending_calls (
            call_key      text        PRIMARY KEY,
            consumer      text        NOT NULL,
            event_id      text        NOT NULL,
            payload       jsonb       NOT NULL,
            attempts      integer     NOT NULL DEFAULT 0,
            last_error    text,
            claimed_until timestamptz NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX pending_calls_due ON pending_calls (consumer, claimed_until)",
        "CREATE INDEX pending_calls_event ON pending_calls (consumer, event_id)",
        // A command is pending from its decision until Stripe has answered; a webhook may
        // confirm it in that time.
        "DROP INDEX lifecycle_commands_awaiting",
        "CREATE INDEX lifecycle_commands_awaiting ON lifecycle_commands (stripe_subscription_id) WHERE status IN ('pending', 'sent')",
    ])
}
