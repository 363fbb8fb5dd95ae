#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import AMQP

@Suite("WriteWatchdog")
struct WriteWatchdogTests {
    /// A connected pair of sockets; the test owns and closes both.
    func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw TestFailure("socketpair failed") }
        return (fds[0], fds[1])
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func anOverdueStepShutsItsSocketDownAndSaysWhatItWas() throws {
        let (ours, theirs) = try socketPair()
        defer { close(ours); close(theirs) }
        let watchdog = WriteWatchdog()
        let start = ContinuousClock.now
        watchdog.begin(fd: ours, deadline: start + .seconds(2), what: "publishing")
        #expect(watchdog.check(now: start + .seconds(1)) == nil)  // not yet due: untouched
        var byte: UInt8 = 1
        #expect(send(ours, &byte, 1, Int32(MSG_NOSIGNAL)) == 1)
        #expect(watchdog.check(now: start + .seconds(2)) == "publishing")
        // Shut down: a write fails instead of waiting, and the peer sees the end.
        #expect(send(ours, &byte, 1, Int32(MSG_NOSIGNAL)) == -1)
        var buffer = [UInt8](repeating: 0, count: 4)
        #expect(read(theirs, &buffer, 4) == 1)
        #expect(read(theirs, &buffer, 4) == 0)
        #expect(watchdog.takeLastFired() == "publishing")
        #expect(watchdog.takeLastFired() == nil)
        #expect(watchdog.check(now: start + .seconds(10)) == nil)  // fires once per step
    }

    @Test func aStepThatEndedInTimeLeavesItsSocketAlone() throws {
        let (ours, theirs) = try socketPair()
        defer { close(ours); close(theirs) }
        let watchdog = WriteWatchdog()
        let start = ContinuousClock.now
        watchdog.begin(fd: ours, deadline: start + .seconds(1), what: "publishing")
        watchdog.end()
        #expect(watchdog.check(now: start + .seconds(5)) == nil)
        var byte: UInt8 = 1
        #expect(send(ours, &byte, 1, Int32(MSG_NOSIGNAL)) == 1)
    }
}
