import CVectorscan
import GuardlineProtocol

#if canImport(Glibc)
import Glibc
#endif

/// A compiled Vectorscan block-mode database: the only owner of its
/// `hs_database_t`, freed on deinit.
///
/// Every `hs_*` call of the target that deals with databases and compilation
/// lives in this file; scratch and the match callback are in
/// `VectorscanScratch.swift`.
///
/// Sendable because a compiled database is immutable and Vectorscan documents
/// it as safe to scan from many threads at once (each with its own scratch).
final class VectorscanDatabase: @unchecked Sendable {
    /// The `hs_database_t *`.
    let handle: OpaquePointer

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        hs_free_database(handle)
    }

    /// One expression to compile, with its `HS_FLAG_*` bits and the id the
    /// match callback will receive.
    struct Expression {
        let expression: String
        let flags: UInt32
        let id: UInt32
    }

    /// Why a compile failed.
    enum CompileFailure: Error {
        /// Vectorscan blamed the expression at this index of the input array.
        case expression(index: Int, message: String)
        /// Vectorscan could not attribute the failure to one expression.
        case database(message: String)
    }

    static let caselessFlag = UInt32(HS_FLAG_CASELESS)
    static let singleMatchFlag = UInt32(HS_FLAG_SINGLEMATCH)
    static let unicodeFlags = UInt32(HS_FLAG_UTF8) | UInt32(HS_FLAG_UCP)

    /// Compiles `expressions` into one block-mode database with `hs_compile_multi`.
    static func compile(_ expressions: [Expression]) -> Result<VectorscanDatabase, CompileFailure> {
        precondition(!expressions.isEmpty, "an empty database is never compiled")
        let cStrings: [UnsafeMutablePointer<CChar>?] = expressions.map { strdup($0.expression) }
        defer { cStrings.forEach { free($0) } }
        let flags = expressions.map(\.flags)
        let ids = expressions.map(\.id)

        var database: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let status = cStrings.withUnsafeBufferPointer { expressionPointers in
            expressionPointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constPointers in
                hs_compile_multi(
                    constPointers.baseAddress, flags, ids, UInt32(expressions.count),
                    UInt32(HS_MODE_BLOCK), nil, &database, &compileError)
            }
        }
        if status == HS_SUCCESS, let database {
            return .success(VectorscanDatabase(handle: database))
        }
        defer { if let compileError { hs_free_compile_error(compileError) } }
        let message = compileError.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "hs_error_t \(status)"
        if let index = compileError?.pointee.expression, index >= 0, Int(index) < expressions.count {
            return .failure(.expression(index: Int(index), message: message))
        }
        return .failure(.database(message: message))
    }

    /// Checks one expression on its own with `hs_expression_info`, so the
    /// catalog can report every bad pattern (a multi-compile stops at the first).
    /// Returns the problem, or nil when the expression is usable.
    static func problem(expression: String, flags: UInt32) -> String? {
        var info: UnsafeMutablePointer<hs_expr_info_t>?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let status = hs_expression_info(expression, flags, &info, &compileError)
        defer {
            if let compileError { hs_free_compile_error(compileError) }
            // Vectorscan allocates the info with the misc allocator, malloc by default.
            if let info { free(info) }
        }
        guard status == HS_SUCCESS, let info else {
            return compileError.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "hs_error_t \(status)"
        }
        if info.pointee.min_width == 0 {
            return "pattern can match the empty string"
        }
        return nil
    }

    /// Scans `bytes` in block mode, recording matches into `recorder` under
    /// `slot`. Allocates nothing. An empty buffer is skipped: no pattern can
    /// match it, because empty-matching patterns are rejected.
    func scan(_ bytes: Bytes, slot: Int32, scratch: VectorscanScratch, recorder: VectorscanMatchRecorder) {
        Self.scan(handle, bytes, slot: slot, scratch: scratch.handle, state: recorder.state)
    }

    /// The same scan on raw handles, for the scanner's per-event path, which
    /// keeps them unmanaged (valid while its `RuleEngine` and scratch live)
    /// so no reference is counted per field scanned.
    @inline(__always)
    static func scan(_ handle: OpaquePointer, _ bytes: Bytes, slot: Int32, scratch: OpaquePointer,
                     state: UnsafeMutablePointer<MatchState>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        state.pointee.currentSlot = slot
        let status = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
            hs_scan(
                handle, characters, UInt32(clamping: bytes.count), 0, scratch,
                VectorscanMatchRecorder.onMatch, UnsafeMutableRawPointer(state))
        }
        // Only a scratch that does not fit the database, or one used from two
        // threads at once, fails here: both are programmer errors.
        assert(status == HS_SUCCESS, "hs_scan failed with \(status)")
    }
}
