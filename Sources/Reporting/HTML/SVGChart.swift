import Foundation
import TextFormat

/// Text for HTML and SVG: `&`, `<`, `>`, `"` and `'` escaped, so a tenant or table named
/// `<script>` renders as text.
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// An inline SVG line chart: axes with ticks and units, a legend, optional shaded time
/// windows (operations), linear or log axes, and a `<title>`/`aria-label` for screen readers.
struct SVGLineChart {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        /// Draw dots (a scatter) instead of a line.
        var dots = false
        /// Draw the line dashed (a figure of another kind beside the main lines).
        var dashed = false
    }

    /// The drawable stretches of a series: points split where a value is missing (not finite,
    /// or not positive on a log axis).
    static func runs(_ points: [(x: Double, y: Double)], logX: Bool, logY: Bool) -> [[(x: Double, y: Double)]] {
        var out: [[(x: Double, y: Double)]] = [], current: [(x: Double, y: Double)] = []
        for p in points {
            if p.x.isFinite && p.y.isFinite && (!logX || p.x > 0) && (!logY || p.y > 0) {
                current.append(p)
            } else if !current.isEmpty {
                out.append(current)
                current = []
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// Shaded x ranges with a label (operation windows).
    var bands: [(from: Double, to: Double, label: String)] = []
    var logX = false
    var logY = false
    var width = 760.0
    var height = 300.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
    static func color(_ i: Int) -> String { palette[i % palette.count] }

    var svg: String {
        let left = 64.0, right = 16.0, top = 36.0, bottom = 44.0
        let plotW = width - left - right, plotH = height - top - bottom
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) && (!logY || $0.y > 0) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
        out += "<title>\(HTMLText.escape(title))</title>"
        out += "<text x=\"\(n(left))\" y=\"18\" class=\"chart-title\">\(HTMLText.escape(title))</text>"
        guard !all.isEmpty else {
            return out + "<text x=\"\(n(left))\" y=\"\(n(top + plotH / 2))\">no data</text></svg>"
        }
        // Time runs from 0 to the last point exactly (a 1200 s run ends at 1200 s, not at the next
        // round number); a log axis keeps its decades.
        let xs = all.map(\.x) + bands.flatMap { [$0.from, $0.to] }
        let (x0, x1) = logX ? Self.range(xs, log: true, includeZero: false) : Self.exactRange(xs)
        let (y0, y1) = Self.range(all.map(\.y), log: logY, includeZero: !logY)
        func px(_ x: Double) -> Double { left + plotW * Self.unit(x, x0, x1, logX) }
        func py(_ y: Double) -> Double { top + plotH * (1 - Self.unit(y, y0, y1, logY)) }
        for b in bands {
            let a = px(max(b.from, x0)), z = px(min(max(b.to, b.from), x1))
            out += "<rect class=\"band\" x=\"\(n(a))\" y=\"\(n(top))\" width=\"\(n(max(1, z - a)))\" height=\"\(n(plotH))\"><title>\(HTMLText.escape(b.label))</title></rect>"
        }
        // Axes and ticks.
        out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotH))\" x2=\"\(n(left + plotW))\" y2=\"\(n(top + plotH))\"/>"
        out += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotH))\"/>"
        for t in Self.ticks(x0, x1, log: logX) {
            let x = px(t)
            out += "<line class=\"grid\" x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(top + plotH))\"/>"
            out += "<text class=\"tick\" x=\"\(n(x))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"middle\">\(Self.label(t))</text>"
        }
        for t in Self.ticks(y0, y1, log: logY) {
            let y = py(t)
            out += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y))\"/>"
            out += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(Self.label(t))</text>"
        }
        out += "<text class=\"axis-label\" x=\"\(n(left + plotW / 2))\" y=\"\(n(height - 6))\" text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text>"
        out += "<text class=\"axis-label\" transform=\"translate(14 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTMLText.escape(yLabel))</text>"
        // Lines and the legend: a series without points keeps its colour but takes no legend row.
        var row = 0
        for (i, s) in series.enumerated() {
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) && (!logY || $0.y > 0) }
            guard !pts.isEmpty else { continue }
            if s.dots {
                for p in pts {
                    out += "<circle cx=\"\(n(px(p.x)))\" cy=\"\(n(py(p.y)))\" r=\"3.5\" fill=\"\(Self.color(i))\" fill-opacity=\"0.75\"><title>\(HTMLText.escape(s.name))</title></circle>"
                }
            } else {
                // A point without a value (NaN: an interval with no completed query) breaks the line:
                // the gap shows, rather than a straight line drawn through the missing intervals.
                for run in Self.runs(s.points, logX: logX, logY: logY) {
                    let path = run.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
                    out += run.count == 1
                        ? "<circle cx=\"\(n(px(run[0].x)))\" cy=\"\(n(py(run[0].y)))\" r=\"2\" fill=\"\(Self.color(i))\"><title>\(HTMLText.escape(s.name))</title></circle>"
                        : "<polyline class=\"line\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "") fill=\"none\" stroke=\"\(Self.color(i))\" points=\"\(path)\"><title>\(HTMLText.escape(s.name))</title></polyline>"
                }
            }
            let lx = left + plotW - 150, ly = top + 4 + Double(row) * 15
            row += 1
            out += "<rect x=\"\(n(lx))\" y=\"\(n(ly))\" width=\"10\" height=\"10\" fill=\"\(Self.color(i))\"/>"
            out += "<text class=\"legend\" x=\"\(n(lx + 14))\" y=\"\(n(ly + 9))\">\(HTMLText.escape(s.name))</text>"
        }
        return out + "</svg>"
    }

    // MARK: Scales

    static func range(_ values: [Double], log: Bool, includeZero: Bool) -> (Double, Double) {
        var lo = values.min() ?? 0, hi = values.max() ?? 1
        if includeZero { lo = min(lo, 0) }
        if log {
            lo = pow10(floorLog10(lo))
            hi = pow10(floorLog10(hi) + (hi > pow10(floorLog10(hi)) ? 1 : 0))
            if hi <= lo { hi = lo * 10 }
            return (lo, hi)
        }
        if hi <= lo { hi = lo + 1 }
        let step = niceStep((hi - lo) / 5)
        return ((lo / step).rounded(.down) * step, (hi / step).rounded(.up) * step)
    }

    /// From 0 (or the smallest value, if negative) to the largest value exactly (a degenerate
    /// range widened by 1): a time axis starts at the run's start and ends at its end.
    static func exactRange(_ values: [Double]) -> (Double, Double) {
        let lo = min(0, values.min() ?? 0), hi = values.max() ?? 1
        return hi > lo ? (lo, hi) : (lo, lo + 1)
    }

    static func unit(_ v: Double, _ lo: Double, _ hi: Double, _ log: Bool) -> Double {
        log ? (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) : (v - lo) / (hi - lo)
    }

    static func ticks(_ lo: Double, _ hi: Double, log: Bool) -> [Double] {
        if log {
            var t: [Double] = []
            var v = lo
            while v <= hi * 1.000001 { t.append(v); v *= 10 }
            return t
        }
        let step = niceStep((hi - lo) / 5)
        var t: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 { t.append(v); v += step }
        return t
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        let p = pow10(floorLog10(raw))
        let f = raw / p
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p
    }

    /// Tick text: integers plainly, large values with k/M/G, small ones with enough digits.
    static func label(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e9 { return NumberFormat.fixed(v / 1e9, a >= 1e10 ? 0 : 1) + "G" }
        if a >= 1e6 { return NumberFormat.fixed(v / 1e6, a >= 1e7 ? 0 : 1) + "M" }
        if a >= 1e4 { return NumberFormat.fixed(v / 1e3, 0) + "k" }
        if a == a.rounded() { return NumberFormat.fixed(v, 0) }
        return NumberFormat.fixed(v, a >= 1 ? 1 : a >= 0.01 ? 2 : 4)
    }

    static func floorLog10(_ v: Double) -> Int { Int(log10(v).rounded(.down)) }
    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }

    func n(_ v: Double) -> String { NumberFormat.fixed(v, 1) }
}

/// An inline SVG Gantt chart: one row per lane (a node), bars with a label and a tooltip.
struct SVGGantt {
    struct Bar {
        var lane: String
        var start: Double
        var end: Double
        var label: String
        var kind: Int
    }

    var title: String
    var xLabel: String
    var bars: [Bar]
    var kinds: [String]
    var width = 760.0

    /// Bars of one lane that overlap in time go to separate rows (first free row), so
    /// parallel transfers stay visible; returns each bar's row and the row labels.
    func packed() -> (row: [Int], labels: [String]) {
        let laneNames = bars.reduce(into: [String]()) { if !$0.contains($1.lane) { $0.append($1.lane) } }
        var rowOf = [Int](repeating: 0, count: bars.count)
        var labels: [String] = []
        for lane in laneNames {
            var rowEnds: [Double] = []
            let base = labels.count
            for i in bars.indices.filter({ bars[$0].lane == lane }).sorted(by: { (bars[$0].start, $0) < (bars[$1].start, $1) }) {
                if let r = rowEnds.firstIndex(where: { $0 <= bars[i].start }) {
                    rowEnds[r] = bars[i].end
                    rowOf[i] = base + r
                } else {
                    rowEnds.append(bars[i].end)
                    rowOf[i] = base + rowEnds.count - 1
                    labels.append(rowEnds.count == 1 ? lane : "")
                }
            }
        }
        return (rowOf, labels)
    }

    var svg: String {
        let (rowOf, lanes) = packed()
        let left = 110.0, right = 16.0, top = 36.0, row = 18.0, bottom = 44.0
        let height = top + Double(max(1, lanes.count)) * row + bottom
        let plotW = width - left - right
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
        out += "<title>\(HTMLText.escape(title))</title><text x=\"\(f(left))\" y=\"18\" class=\"chart-title\">\(HTMLText.escape(title))</text>"
        guard !bars.isEmpty else { return out + "<text x=\"\(f(left))\" y=\"\(f(top + 12))\">no transfers</text></svg>" }
        let (x0, x1) = SVGLineChart.range(bars.flatMap { [$0.start, $0.end] }, log: false, includeZero: false)
        func px(_ x: Double) -> Double { left + plotW * (x - x0) / (x1 - x0) }
        for t in SVGLineChart.ticks(x0, x1, log: false) {
            out += "<line class=\"grid\" x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(height - bottom))\"/>"
            out += "<text class=\"tick\" x=\"\(f(px(t)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">\(SVGLineChart.label(t))</text>"
        }
        for (i, lane) in lanes.enumerated() {
            if !lane.isEmpty { out += "<text class=\"tick\" x=\"\(f(left - 6))\" y=\"\(f(top + Double(i) * row + 13))\" text-anchor=\"end\">\(HTMLText.escape(lane))</text>" }
        }
        for (k, b) in bars.enumerated() {
            let i = Double(rowOf[k])
            let x = px(b.start), w = max(1.5, px(b.end) - x)
            out += "<rect x=\"\(f(x))\" y=\"\(f(top + i * row + 3))\" width=\"\(f(w))\" height=\"\(f(row - 6))\" fill=\"\(SVGLineChart.color(b.kind))\" fill-opacity=\"0.75\"><title>\(HTMLText.escape(b.label))</title></rect>"
        }
        for (k, name) in kinds.enumerated() {
            let lx = left + Double(k) * 140
            out += "<rect x=\"\(f(lx))\" y=\"\(f(height - 14))\" width=\"10\" height=\"10\" fill=\"\(SVGLineChart.color(k))\"/><text class=\"legend\" x=\"\(f(lx + 14))\" y=\"\(f(height - 5))\">\(HTMLText.escape(name))</text>"
        }
        out += "<text class=\"axis-label\" x=\"\(f(width - right))\" y=\"\(f(height - bottom + 32))\" text-anchor=\"end\">\(HTMLText.escape(xLabel))</text>"
        return out + "</svg>"
    }

    func f(_ v: Double) -> String { NumberFormat.fixed(v, 1) }
}

/// An inline SVG heatmap: one row per node, one column per sample interval, the cell's colour
/// the value in 0...1 (white → amber → red), with a colour legend and a `<title>` per row.
/// Reads better than one line per node once there are more than a handful of nodes.
struct SVGHeatmap {
    var title: String
    var rows: [(label: String, values: [Double])]
    /// End of each column's interval, seconds (for the time axis).
    var times: [Double]
    /// What a value of 1 means, for the legend (e.g. "100% busy").
    var fullScale: String
    var width = 760.0

    static func color(_ v: Double) -> String {
        let x = min(1, max(0, v.isFinite ? v : 0))
        // White (0) → amber (0.5) → red (1).
        let (r, g, b): (Double, Double, Double) = x < 0.5
            ? (255, 255 - (255 - 191) * x * 2, 255 - 255 * x * 2)
            : (255 - (255 - 192) * (x - 0.5) * 2, 191 - 191 * (x - 0.5) * 2, 0)
        return "rgb(\(Int(r.rounded())),\(Int(g.rounded())),\(Int(b.rounded())))"
    }

    var svg: String {
        let left = 96.0, right = 16.0, top = 36.0, rowH = 14.0, bottom = 52.0
        let height = top + rowH * Double(rows.count) + bottom
        let plotW = width - left - right
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
        out += "<title>\(HTMLText.escape(title))</title>"
        out += "<text x=\"\(n(left))\" y=\"18\" class=\"chart-title\">\(HTMLText.escape(title))</text>"
        let columns = times.count
        guard columns > 0, !rows.isEmpty else { return out + "<text x=\"\(n(left))\" y=\"\(n(top + 20))\">no data</text></svg>" }
        let cellW = plotW / Double(columns)
        for (r, row) in rows.enumerated() {
            let y = top + rowH * Double(r)
            let mean = row.values.isEmpty ? 0 : row.values.reduce(0, +) / Double(row.values.count)
            out += "<g><title>\(HTMLText.escape(row.label)): mean \(NumberFormat.fixed(mean * 100, 1))%, peak \(NumberFormat.fixed((row.values.max() ?? 0) * 100, 1))%</title>"
            for (c, v) in row.values.prefix(columns).enumerated() {
                out += "<rect x=\"\(n(left + cellW * Double(c)))\" y=\"\(n(y))\" width=\"\(n(cellW + 0.3))\" height=\"\(n(rowH - 1))\" fill=\"\(Self.color(v))\"/>"
            }
            out += "</g><text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(y + rowH - 3))\" text-anchor=\"end\">\(HTMLText.escape(row.label))</text>"
        }
        let axisY = top + rowH * Double(rows.count)
        let t0 = 0.0, t1 = times.last ?? 1
        for t in SVGLineChart.ticks(t0, t1, log: false) where t <= t1 {
            let x = left + plotW * (t - t0) / max(t1 - t0, 1e-9)
            out += "<text class=\"tick\" x=\"\(n(x))\" y=\"\(n(axisY + 14))\" text-anchor=\"middle\">\(SVGLineChart.label(t))</text>"
        }
        out += "<text class=\"axis-label\" x=\"\(n(left + plotW / 2))\" y=\"\(n(axisY + 30))\" text-anchor=\"middle\">simulated time (s)</text>"
        // Legend: 0 ... 1.
        let lx = left, ly = axisY + 38
        for k in 0..<20 {
            out += "<rect x=\"\(n(lx + Double(k) * 6))\" y=\"\(n(ly))\" width=\"6\" height=\"8\" fill=\"\(Self.color(Double(k) / 19))\"/>"
        }
        out += "<text class=\"legend\" x=\"\(n(lx + 126))\" y=\"\(n(ly + 8))\">0 → \(HTMLText.escape(fullScale))</text>"
        return out + "</svg>"
    }

    func n(_ v: Double) -> String { NumberFormat.fixed(v, 1) }
}
