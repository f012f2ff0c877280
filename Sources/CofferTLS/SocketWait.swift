import Foundation

/// Waiting for a non-blocking socket with `poll`, bounded by a deadline and optionally
/// interruptible by a wake-up descriptor (the listener's drain signal).
public enum SocketWait {
    /// What the socket is waited for.
    public enum Direction: Sendable {
        case readable, writable
    }

    /// How a wait ended.
    public enum Outcome: Equatable, Sendable {
        /// The socket is ready (or has an error/hang-up that the next I/O call will report).
        case ready
        /// The deadline passed first.
        case timedOut
        /// The wake-up descriptor became readable first.
        case woken
    }

    /// Waits until `socket` is ready in `direction`, the deadline passes, or `wake` is readable.
    public static func wait(_ socket: Int32, for direction: Direction, until deadline: IODeadline, wake: Int32? = nil) -> Outcome {
        let events = Int16(direction == .readable ? POLLIN : POLLOUT)
        var descriptors = [pollfd(fd: socket, events: events, revents: 0)]
        if let wake { descriptors.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        while true {
            let timeout = deadline.remainingMilliseconds
            let count = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if count < 0 {
                if errno == EINTR { continue }
                // poll itself failed (EBADF, ENOMEM): let the I/O call report the real error.
                return .ready
            }
            if descriptors.count > 1 && descriptors[1].revents != 0 { return .woken }
            if descriptors[0].revents != 0 { return .ready }
            if timeout == 0 || deadline.hasPassed { return .timedOut }
        }
    }

    /// True if `socket` has bytes (or an EOF) waiting to be read right now.
    public static func isReadableNow(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0 && descriptor.revents != 0
    }
}
