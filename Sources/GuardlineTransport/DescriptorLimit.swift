#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open descriptors. Thousands of connections need
/// thousands of descriptors, and the default soft limit (often 1,024) is far
/// below the hard one that systemd's `LimitNOFILE` or `ulimit -Hn` sets.
public enum DescriptorLimit {
    /// What `raise` left in force.
    public struct Outcome: Sendable, Equatable {
        /// The soft limit now (0 when it could not be read).
        public var soft: Int
        /// The errno of a failed `setrlimit`, if raising was needed and failed.
        public var failedErrno: Int32?
    }

    /// Lifts the soft limit to `needed` (never above the hard limit, never
    /// lowering it), or to the hard limit when `needed` is nil.
    public static func raise(to needed: Int? = nil) -> Outcome {
        guard let (soft, hard) = Syscalls.descriptorLimit() else { return Outcome(soft: 0, failedErrno: nil) }
        let wanted = needed.map { min(hard, max(soft, rlim_t(clamping: $0))) } ?? hard
        guard wanted > soft else { return Outcome(soft: Int(clamping: soft), failedErrno: nil) }
        if let errno = Syscalls.setDescriptorSoftLimit(wanted, hard: hard) {
            return Outcome(soft: Int(clamping: soft), failedErrno: errno)
        }
        return Outcome(soft: Int(clamping: wanted), failedErrno: nil)
    }
}
