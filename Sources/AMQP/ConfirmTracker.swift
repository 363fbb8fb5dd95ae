/// Publisher-confirm bookkeeping for one confirm-mode channel, as a pure value.
///
/// Publishes are registered in batches (a single publish is a batch of one) and get the
/// channel's consecutive delivery tags. Broker frames (`basic.ack`, `basic.nack`, with or
/// without `multiple`, and `basic.return`) are fed in; the tracker answers with the batches
/// that are now settled and how. The I/O loop only resumes the waiters it is given back, so
/// every rule here is tested without a broker.
struct ConfirmTracker<Waiter> {
    enum Failure: Equatable {
        case nacked
        case returned(exchange: String, routingKey: String, reason: String)
        case timedOut
    }

    struct Settled {
        var waiter: Waiter
        /// `nil` when every message of the batch was confirmed and none came back.
        var failure: Failure?
    }

    private struct Batch {
        var waiter: Waiter
        var unconfirmed: Int
        var failure: Failure?
        var deadline: ContinuousClock.Instant
    }

    /// The tag the broker will give the next published message (tags start at 1 per channel).
    private(set) var nextTag: UInt64 = 1
    /// Batches by their first tag.
    private var batches: [UInt64: Batch] = [:]
    /// Unconfirmed tags in publish order, each with its batch's first tag. Entries of settled
    /// batches are skipped lazily.
    private var tags: [(tag: UInt64, batch: UInt64)] = []
    private var tagsHead = 0
    /// First tags of batches in publish order, for deadline checks (deadlines grow with it).
    private var order: [UInt64] = []
    private var orderHead = 0

    init() {}

    /// How many batches still wait for the broker.
    var pendingBatchCount: Int { batches.count }

    /// Registers `count` messages that are about to be published; returns their tags.
    mutating func register(count: Int, waiter: Waiter, deadline: ContinuousClock.Instant) -> ClosedRange<UInt64> {
        precondition(count > 0, "a batch has at least one message")
        let first = nextTag
        let last = first + UInt64(count) - 1
        nextTag = last + 1
        batches[first] = Batch(waiter: waiter, unconfirmed: count, failure: nil, deadline: deadline)
        for tag in first...last { tags.append((tag, first)) }
        order.append(first)
        return first...last
    }

    /// A `basic.return` for the message with `tag` (found from the header the publisher set).
    /// It fails that message's batch; the batch settles when its acks arrive.
    mutating func returned(tag: UInt64, exchange: String, routingKey: String, reason: String) {
        guard let first = batchStart(of: tag) else { return }
        guard var batch = batches[first], batch.failure == nil else { return }
        batch.failure = .returned(exchange: exchange, routingKey: routingKey, reason: reason)
        batches[first] = batch
    }

    mutating func acknowledged(tag: UInt64, multiple: Bool) -> [Settled] {
        confirm(tag: tag, multiple: multiple, failure: nil)
    }

    mutating func negativelyAcknowledged(tag: UInt64, multiple: Bool) -> [Settled] {
        confirm(tag: tag, multiple: multiple, failure: .nacked)
    }

    /// Fails every batch whose deadline has passed; later confirms for them are ignored.
    mutating func expire(now: ContinuousClock.Instant) -> [Settled] {
        var settled: [Settled] = []
        while orderHead < order.count {
            let first = order[orderHead]
            guard let batch = batches[first] else {
                orderHead += 1
                continue
            }
            guard batch.deadline <= now else { break }
            batches[first] = nil
            orderHead += 1
            settled.append(Settled(waiter: batch.waiter, failure: .timedOut))
        }
        compact()
        return settled
    }

    /// The earliest deadline still pending, so the I/O loop knows how long it may sleep.
    var earliestDeadline: ContinuousClock.Instant? {
        var index = orderHead
        while index < order.count {
            if let batch = batches[order[index]] { return batch.deadline }
            index += 1
        }
        return nil
    }

    /// Takes every pending waiter out, e.g. when the channel or connection is gone, and starts
    /// tags again at 1 as a new channel does.
    mutating func removeAll() -> [Waiter] {
        let waiters = order[orderHead...].compactMap { batches[$0]?.waiter }
        self = ConfirmTracker()
        return waiters
    }

    private mutating func confirm(tag: UInt64, multiple: Bool, failure: Failure?) -> [Settled] {
        var settled: [Settled] = []
        if multiple {
            while tagsHead < tags.count, tags[tagsHead].tag <= tag {
                let entry = tags[tagsHead]
                tagsHead += 1
                if let done = settleOne(batch: entry.batch, failure: failure) { settled.append(done) }
            }
        } else if let index = indexOfPending(tag: tag) {
            let entry = tags[index]
            tags.remove(at: index)
            if let done = settleOne(batch: entry.batch, failure: failure) { settled.append(done) }
        }
        compact()
        return settled
    }

    private mutating func settleOne(batch first: UInt64, failure: Failure?) -> Settled? {
        guard var batch = batches[first] else { return nil }
        batch.unconfirmed -= 1
        if batch.failure == nil { batch.failure = failure }
        if batch.unconfirmed == 0 {
            batches[first] = nil
            return Settled(waiter: batch.waiter, failure: batch.failure)
        }
        batches[first] = batch
        return nil
    }

    private func indexOfPending(tag: UInt64) -> Int? {
        // Tags are appended in increasing order, so binary search the unconsumed part.
        var low = tagsHead
        var high = tags.count
        while low < high {
            let mid = (low + high) / 2
            if tags[mid].tag < tag { low = mid + 1 } else { high = mid }
        }
        return low < tags.count && tags[low].tag == tag ? low : nil
    }

    private func batchStart(of tag: UInt64) -> UInt64? {
        indexOfPending(tag: tag).map { tags[$0].batch }
    }

    private mutating func compact() {
        if tagsHead > 4096, tagsHead * 2 > tags.count {
            tags.removeFirst(tagsHead)
            tagsHead = 0
        }
        if orderHead > 1024, orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }
}
