/// FNV-1a, 64-bit: a stable hash for deriving seeds from names.
///
/// Swift's `Hasher` is seeded per process, so it must never decide a seed; FNV-1a gives
/// the same value in every process and on every machine.
public enum StableHash {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a of the bytes, continuing from `state`.
    public static func fnv1a<S: Sequence>(_ bytes: S, state: UInt64 = offsetBasis) -> UInt64 where S.Element == UInt8 {
        var h = state
        for b in bytes { h = (h ^ UInt64(b)) &* prime }
        return h
    }

    /// FNV-1a of the little-endian bytes of `value`, continuing from `state`.
    public static func fnv1a(_ value: UInt64, state: UInt64 = offsetBasis) -> UInt64 {
        var h = state
        var v = value
        for _ in 0..<8 {
            h = (h ^ (v & 0xff)) &* prime
            v >>= 8
        }
        return h
    }

    /// The seed of the stream `name` in a run seeded with `runSeed`: FNV-1a over the run
    /// seed's 8 little-endian bytes, then the name's UTF-8 bytes.
    public static func streamSeed(runSeed: UInt64, name: String) -> UInt64 {
        fnv1a(name.utf8, state: fnv1a(runSeed))
    }
}
