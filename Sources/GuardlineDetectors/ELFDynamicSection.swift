/// The parts of a shared library's ELF dynamic section that decide whether
/// the plugin loader may ever `dlclose` it: the libraries it names in
/// `DT_NEEDED`, and whether it was linked with `-z nodelete`.
///
/// Parsed from the same vetted bytes that are copied and handed to `dlopen`,
/// so the answer describes exactly the code that runs. Pure Swift over a byte
/// array with bounds-checked reads: a malformed file yields `nil` plus a
/// reason, never a trap. Only ELF64 little-endian (x86-64, AArch64) is
/// understood; anything else is reported as unrecognised and the loader then
/// keeps the library loaded, which is always safe.
struct ELFDynamicSection: Equatable {
    /// `DT_NEEDED` entries, in file order (for example `libswiftCore.so`, `libc.so.6`).
    var needed: [String]
    /// `DF_1_NODELETE` in `DT_FLAGS_1`: the library asked never to be unloaded
    /// (glibc then ignores `dlclose` for it).
    var noDelete: Bool
    /// Whether a section header names a Swift metadata section (`swift5_*`):
    /// true for a Swift library built with `-static-stdlib`, which carries the
    /// runtime inside and so names no `libswiftCore.so`.
    var hasSwiftMetadata: Bool

    /// Whether the library is Swift code. Swift images register their
    /// metadata and conformance sections with the runtime, which keeps
    /// pointers into them after `dlclose`, so they must never be unloaded.
    /// A Swift library links `libswiftCore.so` directly, or (static stdlib)
    /// carries `swift5_*` sections.
    var isSwift: Bool {
        hasSwiftMetadata || needed.contains { $0 == "libswiftCore.so" || $0.hasPrefix("libswiftCore.so.") }
    }

    private static let programHeaderLoad: UInt32 = 1
    private static let programHeaderDynamic: UInt32 = 2
    private static let tagNull: UInt64 = 0
    private static let tagNeeded: UInt64 = 1
    private static let tagStringTable: UInt64 = 5
    private static let tagStringTableSize: UInt64 = 10
    private static let tagFlags1: UInt64 = 0x6fff_fffb
    private static let flag1NoDelete: UInt64 = 0x8

    /// Reads the dynamic section through the program headers (the view the
    /// dynamic linker itself uses; section headers may be stripped).
    /// Returns the reason instead when `bytes` is not an ELF64 little-endian
    /// file with a readable dynamic section.
    static func parse(_ bytes: [UInt8]) -> Result<ELFDynamicSection, ELFUnrecognised> {
        let reader = ByteReader(bytes: bytes)
        guard bytes.count >= 64, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 else {
            return .failure(ELFUnrecognised(reason: "not an ELF file"))
        }
        guard bytes[4] == 2, bytes[5] == 1 else {
            return .failure(ELFUnrecognised(reason: "not ELF64 little-endian (class \(bytes[4]), data \(bytes[5]))"))
        }
        guard let headerOffset = reader.integer(at: 32, size: 8), let headerSize = reader.integer(at: 54, size: 2),
              let headerCount = reader.integer(at: 56, size: 2), headerSize >= 56 else {
            return .failure(ELFUnrecognised(reason: "truncated ELF header"))
        }
        // Every offset is checked against the file size before any sum, so no sum can overflow.
        let fileSize = UInt64(bytes.count)
        guard headerOffset <= fileSize else { return .failure(ELFUnrecognised(reason: "program headers lie outside the file")) }
        var loads: [(offset: UInt64, address: UInt64, size: UInt64)] = []
        var dynamic: (offset: UInt64, size: UInt64)?
        for index in 0..<headerCount {
            let entry = headerOffset + index * headerSize
            guard let type = reader.integer(at: entry, size: 4), let offset = reader.integer(at: entry + 8, size: 8),
                  let address = reader.integer(at: entry + 16, size: 8), let size = reader.integer(at: entry + 32, size: 8) else {
                return .failure(ELFUnrecognised(reason: "program header \(index) lies outside the file"))
            }
            if type == UInt64(programHeaderLoad) { loads.append((offset, address, size)) }
            if type == UInt64(programHeaderDynamic) { dynamic = (offset, size) }
        }
        guard let dynamic else { return .failure(ELFUnrecognised(reason: "no PT_DYNAMIC program header")) }
        guard dynamic.offset <= fileSize, dynamic.size <= fileSize else {
            return .failure(ELFUnrecognised(reason: "dynamic section lies outside the file"))
        }

        var neededOffsets: [UInt64] = []
        var stringTableAddress: UInt64?
        var stringTableSize: UInt64?
        var noDelete = false
        var entry = dynamic.offset
        while entry + 16 <= dynamic.offset + dynamic.size {
            guard let tag = reader.integer(at: entry, size: 8), let value = reader.integer(at: entry + 8, size: 8) else {
                return .failure(ELFUnrecognised(reason: "dynamic section lies outside the file"))
            }
            if tag == tagNull { break }
            switch tag {
            case tagNeeded: neededOffsets.append(value)
            case tagStringTable: stringTableAddress = value
            case tagStringTableSize: stringTableSize = value
            case tagFlags1: noDelete = value & flag1NoDelete != 0
            default: break
            }
            entry += 16
        }
        guard let stringTableAddress, let stringTableSize else {
            return .failure(ELFUnrecognised(reason: "dynamic section has no DT_STRTAB or DT_STRSZ"))
        }
        // DT_STRTAB is a virtual address: map it to a file offset through the PT_LOAD that holds it.
        guard let segment = loads.first(where: { stringTableAddress >= $0.address && stringTableAddress - $0.address < $0.size }) else {
            return .failure(ELFUnrecognised(reason: "DT_STRTAB address is in no PT_LOAD segment"))
        }
        let distance = stringTableAddress - segment.address
        guard segment.offset <= fileSize, distance <= fileSize, stringTableSize <= fileSize else {
            return .failure(ELFUnrecognised(reason: "string table lies outside the file"))
        }
        let stringTable = segment.offset + distance
        var needed: [String] = []
        for offset in neededOffsets {
            guard offset < stringTableSize, let name = reader.string(at: stringTable + offset, limit: stringTable + stringTableSize) else {
                return .failure(ELFUnrecognised(reason: "DT_NEEDED name lies outside the string table"))
            }
            needed.append(name)
        }
        return .success(ELFDynamicSection(needed: needed, noDelete: noDelete,
                                          hasSwiftMetadata: sectionNames(reader).contains { $0.hasPrefix("swift5_") }))
    }

    /// The section names, or none when the section headers are absent or
    /// malformed (they are optional for loading; only the Swift check uses them).
    private static func sectionNames(_ reader: ByteReader) -> [String] {
        let fileSize = UInt64(reader.bytes.count)
        guard let tableOffset = reader.integer(at: 40, size: 8), let entrySize = reader.integer(at: 58, size: 2),
              let count = reader.integer(at: 60, size: 2), let namesIndex = reader.integer(at: 62, size: 2),
              tableOffset > 0, tableOffset <= fileSize, entrySize >= 64, namesIndex < count else { return [] }
        let namesHeader = tableOffset + namesIndex * entrySize
        guard let namesOffset = reader.integer(at: namesHeader + 24, size: 8), let namesSize = reader.integer(at: namesHeader + 32, size: 8),
              namesOffset <= fileSize, namesSize <= fileSize else { return [] }
        var names: [String] = []
        for index in 0..<count {
            guard let nameOffset = reader.integer(at: tableOffset + index * entrySize, size: 4), nameOffset < namesSize,
                  let name = reader.string(at: namesOffset + nameOffset, limit: namesOffset + namesSize) else { continue }
            names.append(name)
        }
        return names
    }
}

/// Why a library's dynamic section could not be read.
struct ELFUnrecognised: Error, Equatable {
    var reason: String
}

/// Little-endian reads from a byte array that return `nil` instead of
/// reading past its end.
private struct ByteReader {
    let bytes: [UInt8]

    func integer(at offset: UInt64, size: Int) -> UInt64? {
        guard offset <= UInt64(bytes.count), UInt64(bytes.count) - offset >= UInt64(size) else { return nil }
        let start = Int(offset)
        var value: UInt64 = 0
        for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[start + index]) }
        return value
    }

    /// The NUL-terminated string at `offset`, which must end before `limit`.
    func string(at offset: UInt64, limit: UInt64) -> String? {
        let end = min(limit, UInt64(bytes.count))
        guard offset < end else { return nil }
        guard let terminator = bytes[Int(offset)..<Int(end)].firstIndex(of: 0) else { return nil }
        return String(decoding: bytes[Int(offset)..<terminator], as: UTF8.self)
    }
}
