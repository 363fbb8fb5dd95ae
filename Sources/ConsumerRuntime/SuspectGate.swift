/// Lets one redelivered message at a time be handled in this process. A redelivered message
/// is a suspect: the process that held it before may have died handling it. Handled alone, a
/// crash during it is its own, so its count of starts (`DeliveryStartStore`) says how often it
/// killed the process, and the innocent messages returned with it are never blamed. One gate
/// per process ("a crash takes the whole process"), shared by every runner in it.
actor SuspectGate {
    /// The gate of this process.
    static let processWide = SuspectGate()

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` when no other suspect is being handled in this process; in arrival order.
    /// The wait ends when the suspect in front leaves, and every body ends: its statements have
    /// the database's statement timeout, its Stripe calls are cut at their lease, and its wait
    /// for a database outage ends on shutdown or cancellation. The wait itself is not cancelled:
    /// a cancelled runner's suspects pass through at once, since their bodies end at once.
    func alone<Result: Sendable>(_ body: @Sendable () async -> Result) async -> Result {
        await enter()
        let result = await body()
        leave()
        return result
    }

    private func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        guard !waiting.isEmpty else {
            busy = false
            return
        }
        waiting.removeFirst().resume()  // the gate passes straight to the next one
    }
}
