/// Closed-form results of queueing theory: the ground truth the kernel is tested against.
public enum QueueingFormulas {
    /// Erlang B: the probability that an arrival finds all `servers` busy in an M/M/c/c
    /// loss system offered `offeredLoad` = λ/μ erlangs (stable recurrence).
    public static func erlangB(servers: Int, offeredLoad a: Double) -> Double {
        precondition(servers >= 0 && a >= 0)
        var b = 1.0
        if servers > 0 {
            for k in 1...servers { b = a * b / (Double(k) + a * b) }
        }
        return b
    }

    /// Erlang C: the probability that an arrival waits in an M/M/c queue with offered
    /// load a = λ/μ < c.
    public static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        precondition(a < Double(c), "Erlang C needs a < c")
        let b = erlangB(servers: c, offeredLoad: a)
        return Double(c) * b / (Double(c) - a * (1 - b))
    }

    /// Mean response time (wait + service) of M/M/c FCFS, in the unit of `meanService`.
    /// The same holds for M/M/c processor sharing, whose number in system is the same
    /// birth-death process (departure rate min(n, c)·μ).
    public static func mmcMeanResponse(servers c: Int, arrivalRate lambda: Double, meanService s: Double) -> Double {
        let a = lambda * s
        let mu = 1 / s
        return erlangC(servers: c, offeredLoad: a) / (Double(c) * mu - lambda) + s
    }

    /// Mean response time of M/G/1 processor sharing: E[S] / (1 − ρ), whatever the
    /// service distribution (insensitivity).
    public static func mg1PSMeanResponse(arrivalRate lambda: Double, meanService s: Double) -> Double {
        let rho = lambda * s
        precondition(rho < 1, "M/G/1-PS needs rho < 1")
        return s / (1 - rho)
    }
}
