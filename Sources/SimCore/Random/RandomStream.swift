import CGSL

/// One named, seeded stream of random numbers: a GSL Mersenne Twister (`gsl_rng_mt19937`).
///
/// Each model component draws from its own stream (arrivals, tenant choice, service
/// times, failures...), seeded from the run seed and the stream's name by `StableHash`,
/// so adding a draw in one component never shifts another's numbers (common random
/// numbers across configurations). MT19937 takes a 32-bit seed: the 64-bit stream seed
/// is folded by xor of its halves (zero maps to GSL's default seed 4357).
///
/// The stream owns its `gsl_rng` and frees it on deinit; it is a class because a
/// generator has identity (copying one would silently replay its numbers).
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    /// The stream's name, for diagnostics.
    public let name: String
    /// The 64-bit seed derived from the run seed and the name.
    public let seed: UInt64

    /// A stream for component `name` in a run seeded with `runSeed`.
    public init(runSeed: UInt64, name: String) {
        GSL.ready
        self.name = name
        self.seed = StableHash.streamSeed(runSeed: runSeed, name: name)
        guard let rng = gsl_rng_alloc(cgsl_rng_mt19937()) else {
            fatalError("gsl_rng_alloc failed: out of memory")
        }
        self.rng = rng
        let folded = (seed ^ (seed >> 32)) & 0xffff_ffff
        gsl_rng_set(rng, UInt(folded))
    }

    deinit { gsl_rng_free(rng) }

    /// A uniform draw in the open interval (0, 1).
    @inlinable public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }
    /// A uniform draw in [0, 1).
    @inlinable public func uniform() -> Double { gsl_rng_uniform(rng) }
    /// A uniform integer in 0..<n; precondition 0 < n < 2^32 (GSL's limit for MT19937:
    /// past it GSL returns 0 with its error handler off).
    @inlinable public func integer(below n: UInt64) -> UInt64 {
        precondition(n > 0 && n <= UInt64(UInt32.max), "integer(below:) needs 0 < n < 2^32, got \(n)")
        return UInt64(gsl_rng_uniform_int(rng, UInt(n)))
    }

    /// A uniform 64-bit integer from two raw 32-bit MT19937 outputs (high word first).
    @inlinable public func next64() -> UInt64 {
        UInt64(gsl_rng_get(rng)) << 32 | UInt64(gsl_rng_get(rng))
    }

    /// An exponential draw with the given mean (same unit as the mean).
    @inlinable public func exponential(mean: Double) -> Double { gsl_ran_exponential(rng, mean) }

    /// A draw from `distribution`.
    @inlinable public func sample(_ distribution: Distribution) -> Double { distribution.sample(self) }
}
