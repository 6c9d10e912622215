/// PostgreSQL's hash functions, bit-exact, as Citus applies them to distribution values
/// (FACTS A.1; PostgreSQL `src/common/hashfn.c` `hash_bytes`, `hash_bytes_uint32`, and
/// `hashfunc.c` / `int.c` for the per-type wrappers).
///
/// All arithmetic is uint32 modulo 2^32; results are read as signed int32, as Citus does
/// (`DatumGetInt32`). Little-endian byte order (x86, ARM).
public enum PostgresHash {
    @inline(__always) static func rot(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }

    @inline(__always) static func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        a &-= c; a ^= rot(c, 4); c &+= b
        b &-= a; b ^= rot(a, 6); a &+= c
        c &-= b; c ^= rot(b, 8); b &+= a
        a &-= c; a ^= rot(c, 16); c &+= b
        b &-= a; b ^= rot(a, 19); a &+= c
        c &-= b; c ^= rot(b, 4); b &+= a
    }

    @inline(__always) static func final(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        c ^= b; c &-= rot(b, 14)
        a ^= c; a &-= rot(c, 11)
        b ^= a; b &-= rot(a, 25)
        c ^= b; c &-= rot(b, 16)
        a ^= c; a &-= rot(c, 4)
        b ^= a; b &-= rot(a, 14)
        c ^= b; c &-= rot(b, 24)
    }

    /// `hash_any` / `hash_bytes`: Bob Jenkins' lookup3 as adapted by PostgreSQL.
    public static func hashBytes<C: Collection>(_ bytes: C) -> Int32 where C.Element == UInt8 {
        let k = Array(bytes)
        var len = k.count
        var a: UInt32 = 0x9e37_79b9 &+ UInt32(truncatingIfNeeded: len) &+ 3_923_095
        var b = a, c = a
        var p = 0
        @inline(__always) func word(_ i: Int) -> UInt32 {
            UInt32(k[i]) | UInt32(k[i + 1]) << 8 | UInt32(k[i + 2]) << 16 | UInt32(k[i + 3]) << 24
        }
        while len >= 12 {
            a &+= word(p); b &+= word(p + 4); c &+= word(p + 8)
            mix(&a, &b, &c)
            p += 12
            len -= 12
        }
        // Tail: each byte goes in only if len > its index; the low byte of c gets none.
        if len > 10 { c &+= UInt32(k[p + 10]) << 24 }
        if len > 9 { c &+= UInt32(k[p + 9]) << 16 }
        if len > 8 { c &+= UInt32(k[p + 8]) << 8 }
        if len > 7 { b &+= UInt32(k[p + 7]) << 24 }
        if len > 6 { b &+= UInt32(k[p + 6]) << 16 }
        if len > 5 { b &+= UInt32(k[p + 5]) << 8 }
        if len > 4 { b &+= UInt32(k[p + 4]) }
        if len > 3 { a &+= UInt32(k[p + 3]) << 24 }
        if len > 2 { a &+= UInt32(k[p + 2]) << 16 }
        if len > 1 { a &+= UInt32(k[p + 1]) << 8 }
        if len > 0 { a &+= UInt32(k[p]) }
        final(&a, &b, &c)
        return Int32(bitPattern: c)
    }

    /// `hash_uint32` / `hash_bytes_uint32`: one word, no mix.
    public static func hashUInt32(_ k: UInt32) -> Int32 {
        var a: UInt32 = 0x9e37_79b9 &+ 4 &+ 3_923_095
        var b = a, c = a
        a &+= k
        final(&a, &b, &c)
        return Int32(bitPattern: c)
    }

    /// `hashint4` (and `hashint2`, which hashes the same number the same way).
    public static func hashInt4(_ v: Int32) -> Int32 { hashUInt32(UInt32(bitPattern: v)) }

    /// `hashint8`: fold the high word into the low one (complemented for negatives), so
    /// values that fit in int4 hash as int4.
    public static func hashInt8(_ v: Int64) -> Int32 {
        let u = UInt64(bitPattern: v)
        var lo = UInt32(truncatingIfNeeded: u)
        let hi = UInt32(truncatingIfNeeded: u >> 32)
        lo ^= v >= 0 ? hi : ~hi
        return hashUInt32(lo)
    }

    /// `hashtext` under a deterministic collation: the raw UTF-8 bytes.
    public static func hashText(_ s: String) -> Int32 { hashBytes(s.utf8) }

    /// `bpchar` (char(n)): trailing spaces are not significant.
    public static func hashBPChar(_ s: String) -> Int32 {
        var bytes = Array(s.utf8)
        while bytes.last == 0x20 { bytes.removeLast() }
        return hashBytes(bytes)
    }

    /// `uuid_hash`: the 16 raw bytes.
    public static func hashUUID(_ bytes: [UInt8]) -> Int32 {
        precondition(bytes.count == 16, "a uuid has 16 bytes")
        return hashBytes(bytes)
    }

    /// `hashdate`... PostgreSQL hashes a date as int4 of its day number since 2000-01-01.
    public static func hashDate(daysSince2000: Int32) -> Int32 { hashInt4(daysSince2000) }
}
