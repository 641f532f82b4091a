#!/usr/bin/env python3
"""Tables and plots of the data-plane benchmarks (docs/benchmarks.md, "Data plane").

  plot-datapath.py table  DATAPATH.csv                 markdown: median [min-max] over the runs
  plot-datapath.py plots  DATAPATH.csv OUTDIR [--machine FILE]
                                                       bar charts (PNG): the median of the runs,
                                                       min-max error bars
  plot-datapath.py memory PROXY-MEMORY.csv... OUTDIR   peak memory over connections (PNG), from
                                                       hack/bench-proxy-memory.sh (one CSV per
                                                       limit, or several concatenated)

DATAPATH.csv is hack/bench-datapath.sh's: run,contender,figure,side,value,unit (side A, B, A2 or
-). The table needs only the standard library; the plots need matplotlib (Debian's
python3-matplotlib, for /usr/bin/python3).
"""

import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

CONTENDERS = ["direct", "palisade", "stunnel", "haproxy", "nginx"]
LABELS = {"direct": "direct", "palisade": "Palisade", "stunnel": "stunnel",
          "haproxy": "HAProxy", "nginx": "nginx", "floor": "floor (empty main)"}
# One color per contender, the same in every chart.
COLORS = {"direct": "#9e9e9e", "palisade": "#1f5fbf", "stunnel": "#e08a1e",
          "haproxy": "#2e9e4f", "nginx": "#8e44ad", "floor": "#444444"}

# The markdown table's rows: (figure, label); A/B figures show "A / B" medians and the range
# over both sides.
TABLE_ROWS = [
    ("bulk_MBps", "throughput, one connection (MB/s)"),
    ("rr1_rps", "1 KB req/resp, 1 connection: requests/s"),
    ("rr1_p50,rr1_p99", "&nbsp;&nbsp;p50 / p99 (µs)"),
    ("rr16_rps", "1 KB req/resp, 16 connections: requests/s"),
    ("rr16_p50,rr16_p99", "&nbsp;&nbsp;p50 / p99 (µs)"),
    ("rr64_rps", "1 KB req/resp, 64 connections: requests/s"),
    ("rr64_p50,rr64_p99", "&nbsp;&nbsp;p50 / p99 (µs)"),
    ("paced_p50,paced_p99", "at 1000 req/s, 16 connections: p50 / p99 (µs)"),
    ("churn_full_cps", "new connection per request, full handshakes: connections/s"),
    ("churn_full_p50,churn_full_p99", "&nbsp;&nbsp;p50 / p99, connect to response (µs)"),
    ("churn_resume_cps", "new connection per request, resumption (default): connections/s"),
    ("churn_resume_p50,churn_resume_p99", "&nbsp;&nbsp;p50 / p99, connect to response (µs)"),
    ("resumed_share", "share of handshakes resumed (pre-flight), A / A2"),
    ("rss_start", "RSS after start, A / B (MiB)"),
    ("rss_idle", "RSS idle after a connection, A / B (MiB)"),
    ("rss_idle_anon", "&nbsp;&nbsp;of which anonymous"),
    ("bulk_peak", "peak RSS during the transfer, A / B (MiB)"),
    ("rr_peak", "peak RSS during the request phases, A / B (MiB)"),
    ("rr_anon", "&nbsp;&nbsp;peak anonymous (sampled)"),
    ("churn_full_peak", "peak RSS, churn with full handshakes, A2 / B (MiB)"),
    ("churn_full_anon", "&nbsp;&nbsp;peak anonymous (sampled)"),
    ("churn_resume_peak", "peak RSS, churn with resumption, A / B (MiB)"),
    ("churn_resume_anon", "&nbsp;&nbsp;peak anonymous (sampled)"),
    ("rr1_cpu_ms", "CPU ms per 1000 requests, 1 connection, A / B"),
    ("rr16_cpu_ms", "CPU ms per 1000 requests, 16 connections, A / B"),
    ("rr64_cpu_ms", "CPU ms per 1000 requests, 64 connections, A / B"),
    ("churn_full_cpu_ms", "CPU ms per 1000 full handshakes, A2 / B"),
    ("churn_resume_cpu_ms", "CPU ms per 1000 connections with resumption, A / B"),
    ("paced_vcpu", "vCPU at 1000 req/s, A / B"),
    ("bulk_cpu", "CPU s for the transfer, A / B"),
]
STARTUP_ROWS = [
    ("palisade", "start_ms_files", "Palisade, certificate files (AOT cache)"),
    ("palisade", "start_ms_files_no_aot", "Palisade, certificate files, `-XX:AOTMode=off`"),
    ("palisade", "start_ms_ca", "Palisade, certificate from a CA over HTTPS (stand-in)"),
    ("floor", "start_ms", "floor: empty `main`, same launcher, flags and runtime"),
    ("stunnel", "start_ms", "stunnel (accepting)"),
    ("haproxy", "start_ms", "HAProxy (accepting)"),
    ("nginx", "start_ms", "nginx (accepting)"),
]


def load(path):
    """(contender, figure, side) -> [values over the runs]"""
    data = defaultdict(list)
    with open(path, newline="") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            try:
                data[(row["contender"], row["figure"], row["side"])].append(float(row["value"]))
            except ValueError:
                pass
    return data


def fmt(x):
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def cell(data, contender, figures):
    """One table cell: 'median [min–max]', 'A / B [min–max]' or 'p50 / p99'."""
    figures = figures.split(",")
    if len(figures) == 2:  # two single figures side by side (p50 / p99), medians only
        parts = [data.get((contender, f, "-")) for f in figures]
        if not all(parts):
            return "–"
        return " / ".join(fmt(statistics.median(p)) for p in parts)
    figure = figures[0]
    single = data.get((contender, figure, "-"))
    if single:
        s = fmt(statistics.median(single))
        if len(single) > 1:
            s += f" [{fmt(min(single))}–{fmt(max(single))}]"
        return s
    sides = [data.get((contender, figure, side)) for side in ("A", "A2", "B")]
    sides = [s for s in sides if s]
    if not sides:
        return "–"
    s = " / ".join(fmt(statistics.median(v)) for v in sides)
    every = [x for v in sides for x in v]
    if len(every) > len(sides):
        s += f" [{fmt(min(every))}–{fmt(max(every))}]"
    return s


def table(path):
    data = load(path)
    runs = {0}
    with open(path, newline="") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            if row["figure"].startswith(("bulk_", "rr")):
                runs.add(int(row["run"]))
    present = [c for c in CONTENDERS if any(k[0] == c for k in data)]
    print(f"Median of {max(runs)} runs [min–max]; \"A / B\" figures are per proxy (A the client "
          "side, B the server side; A2 the client side without resumption), the range covers both.")
    print()
    print("| measure | " + " | ".join(LABELS[c] for c in present) + " |")
    print("|---|" + "---:|" * len(present))
    for figures, label in TABLE_ROWS:
        cells = []
        for c in present:
            v = cell(data, c, figures)
            cells.append(f"**{v}**" if c == "palisade" and v != "–" else v)
        if all(v == "–" for v in cells):
            continue
        print(f"| {label} | " + " | ".join(cells) + " |")
    floor = [cell(data, "floor", f) for f in ("rss_idle", "rss_idle_anon")]
    if floor[0] != "–":
        print(f"| floor (empty `main`, same launcher, flags and runtime): idle RSS / anonymous (MiB) | "
              + " | ".join(f"{floor[0]} / {floor[1]}" if c == "palisade" else "–" for c in present)
              + " |")
    starts = [(label, data.get((c, f, "-"))) for c, f, label in STARTUP_ROWS]
    starts = [(label, v) for label, v in starts if v]
    if starts:
        print()
        print(f"Start-to-ready (exec to ready), median [min–max] of {max(len(v) for _, v in starts)}:")
        print()
        print("| | ms |")
        print("|---|---:|")
        for label, v in starts:
            print(f"| {label} | {fmt(statistics.median(v))} [{fmt(min(v))}–{fmt(max(v))}] |")


# ---- plots ----

def pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"font.size": 9, "axes.titlesize": 10, "figure.dpi": 110})
    return plt


def bars(ax, data, figure, title, unit, contenders=CONTENDERS, sides=("-",), log=False,
         note_direct=False):
    """Bars of the median per contender (and side), min-max error bars, values on top.
    note_direct: direct as a note under the title instead of a bar (it would dwarf the rest)."""
    if note_direct:
        v = data.get(("direct", figure, "-"))
        contenders = [c for c in contenders if c != "direct"]
        if v:
            title += f"\n(direct, no TLS: {fmt(statistics.median(v))} {unit}, not drawn)"
    xs, heights, lows, highs, colors, hatches, ticks, tick_labels = [], [], [], [], [], [], [], []
    x = 0.0
    width = 0.8 / len(sides)
    for c in contenders:
        placed = False
        for i, side in enumerate(sides):
            v = data.get((c, figure, side))
            if not v and side == "A" and "A2" not in sides:
                v = data.get((c, figure, "A2"))
            if not v:
                continue
            m = statistics.median(v)
            xs.append(x + (i - (len(sides) - 1) / 2) * width)
            heights.append(m)
            lows.append(m - min(v))
            highs.append(max(v) - m)
            colors.append(COLORS[c])
            hatches.append("//" if side == "B" else "")
            placed = True
        if placed:
            ticks.append(x)
            tick_labels.append(LABELS[c])
        x += 1
    if not heights:
        ax.set_title(title + " (no data)")
        ax.set_axis_off()
        return
    rects = ax.bar(xs, heights, width * 0.92, color=colors, edgecolor="black", linewidth=0.4,
                   yerr=[lows, highs], capsize=3, error_kw={"elinewidth": 0.8})
    for r, h in zip(rects, hatches):
        r.set_hatch(h)
    for xx, h, hi in zip(xs, heights, highs):
        ax.annotate(fmt(h), (xx, h + hi), ha="center", va="bottom", fontsize=7,
                    xytext=(0, 1), textcoords="offset points")
    ax.set_xticks(ticks)
    ax.set_xticklabels(tick_labels, rotation=20)
    ax.set_title(title)
    ax.set_ylabel(unit)
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(0, max(h + hi for h, hi in zip(heights, highs)) * 1.15)
    ax.grid(axis="y", alpha=0.3)


def side_legend(fig, plt):
    from matplotlib.patches import Patch
    fig.legend(handles=[Patch(facecolor="white", edgecolor="black", label="A: client side (A2 for full handshakes)"),
                        Patch(facecolor="white", edgecolor="black", hatch="//", label="B: server side")],
               loc="lower center", ncol=2, fontsize=8, frameon=False)


def save(fig, plt, out, name, footer):
    fig.text(0.99, 0.005, footer, ha="right", va="bottom", fontsize=6, color="#555555")
    fig.savefig(out / name)
    plt.close(fig)
    print(out / name)


def plots(path, out, machine):
    plt = pyplot()
    data = load(path)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs = max([1] + [int(r["run"]) for r in csv.DictReader(open(path)) if r["figure"] == "bulk_MBps"])
    footer = f"median of {runs} run(s), bars: min–max; hack/bench-datapath.sh"
    if machine and Path(machine).exists():
        lines = dict(l.split(": ", 1) for l in Path(machine).read_text().splitlines() if ": " in l)
        footer = (f"{lines.get('date (UTC)', '')}, commit {lines.get('commit', '?')}, "
                  f"nproc {lines.get('nproc', '?').split(';')[0]}; " + footer)

    fig, ax = plt.subplots(figsize=(6, 4))
    bars(ax, data, "bulk_MBps", "Throughput over one connection (one way)", "MB/s (10^6 bytes/s)")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, plt, out, "throughput.png", footer)

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, c in zip(axes, (1, 16, 64)):
        bars(ax, data, f"rr{c}_rps", f"1 KB request/response, {c} keep-alive connection{'s' * (c > 1)}",
             "requests/s")
    fig.suptitle("Requests per second")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, plt, out, "requests.png", footer)

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    bars(axes[0], data, "churn_full_cps", "Full handshakes (resumption off)", "new connections/s",
         note_direct=True)
    bars(axes[1], data, "churn_resume_cps", "Resumption as by default", "new connections/s",
         note_direct=True)
    fig.suptitle("Handshakes per second: a new connection per 1 KB request, 16 workers")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, plt, out, "handshakes.png", footer)

    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    panels = [("rr1_p99", "1 connection"), ("rr16_p99", "16 connections"),
              ("rr64_p99", "64 connections"), ("paced_p99", "1,000 requests/s, 16 connections"),
              ("churn_full_p99", "new connections, full handshakes"),
              ("churn_resume_p99", "new connections, resumption")]
    for ax, (figure, title) in zip(axes.flat, panels):
        bars(ax, data, figure, title, "p99 latency (µs)")
    fig.suptitle("p99 latency of a 1 KB request/response (churn: from dial to response)")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, plt, out, "p99.png", footer)

    proxies = CONTENDERS[1:]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    panels = [("rss_idle", "Idle RSS (after one connection)"),
              ("rss_idle_anon", "Idle anonymous memory (RssAnon)"),
              ("rr_anon", "Peak anonymous, keep-alive request phases (sampled)"),
              ("churn_resume_anon", "Peak anonymous, churn with resumption (sampled)")]
    for ax, (figure, title) in zip(axes.flat, panels):
        bars(ax, data, figure, title, "MiB", contenders=proxies, sides=("A", "B"))
        floor = data.get(("floor", figure, "-"))
        if floor:
            m = statistics.median(floor)
            ax.axhline(m, color=COLORS["floor"], linestyle="--", linewidth=1)
            ax.annotate(f"floor: empty main, {fmt(m)} MiB", (ax.get_xlim()[1], m), ha="right",
                        va="bottom", fontsize=7, color=COLORS["floor"])
    fig.suptitle("Memory per proxy (nginx: master + workers summed)")
    side_legend(fig, plt)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    save(fig, plt, out, "memory.png", footer)

    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    panels = [("rr1_cpu_ms", "per 1000 requests, 1 connection", "CPU ms"),
              ("rr16_cpu_ms", "per 1000 requests, 16 connections", "CPU ms"),
              ("rr64_cpu_ms", "per 1000 requests, 64 connections", "CPU ms"),
              ("churn_full_cpu_ms", "per 1000 full handshakes", "CPU ms"),
              ("churn_resume_cpu_ms", "per 1000 connections, resumption", "CPU ms"),
              ("paced_vcpu", "at 1,000 requests/s", "vCPU")]
    for ax, (figure, title, unit) in zip(axes.flat, panels):
        bars(ax, data, figure, title, unit, contenders=proxies, sides=("A", "B"))
    fig.suptitle("CPU per proxy (utime + stime)")
    side_legend(fig, plt)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    save(fig, plt, out, "cpu.png", footer)

    fig, ax = plt.subplots(figsize=(9, 4.5))
    names, meds, lows, highs, colors = [], [], [], [], []
    for c, figure, label in STARTUP_ROWS:
        v = data.get((c, figure, "-"))
        if not v:
            continue
        m = statistics.median(v)
        names.append(label.replace("`", "").replace(", ", ",\n", 1))
        meds.append(m)
        lows.append(m - min(v))
        highs.append(max(v) - m)
        colors.append(COLORS[c])
    if meds:
        y = range(len(meds))
        ax.barh(list(y), meds, color=colors, edgecolor="black", linewidth=0.4,
                xerr=[lows, highs], capsize=3)
        for yy, m, hi in zip(y, meds, highs):
            ax.annotate(f"{fmt(m)} ms", (m + hi, yy), va="center", fontsize=7, xytext=(3, 0),
                        textcoords="offset points")
        ax.set_yticks(list(y))
        ax.set_yticklabels(names, fontsize=7)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("ms from exec to ready (log scale)")
        ax.grid(axis="x", alpha=0.3)
    ax.set_title("Start-to-ready (Palisade: first /healthz/ready = 200; others: accepting TCP)")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, plt, out, "startup.png", footer)


def memory_curve(paths, out):
    """hack/bench-proxy-memory.sh's CSVs: limit_mib,connections,side,peak_mib,oom_kills,rps."""
    plt = pyplot()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    series = defaultdict(list)
    limits = set()
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(line for line in f if not line.startswith("#")):
                if not row["connections"].isdigit():  # a repeated header
                    continue
                series[(row["limit_mib"], row["side"])].append(
                    (int(row["connections"]), float(row["peak_mib"]), int(row["oom_kills"] or 0)))
                limits.add(row["limit_mib"])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    styles = {"A": ("-", "o", "A: client side"), "B": ("--", "s", "B: server side")}
    shades = ["#1f5fbf", "#7fa7e6", "#0b2e66", "#4f86d9"]  # one per limit, Palisade's blues
    order = sorted(limits, key=float)
    for (limit, side), points in sorted(series.items()):
        points.sort()
        line, marker, label = styles.get(side, ("-", "o", side))
        ax.plot([p[0] for p in points], [p[1] for p in points], line, marker=marker,
                color=shades[order.index(limit) % len(shades)], label=f"{label}, limit {limit} MiB")
        for n, peak, kills in points:
            if kills:
                ax.annotate(f"OOM kill ×{kills}", (n, peak), color="red", fontsize=7,
                            xytext=(4, 4), textcoords="offset points")
                ax.plot([n], [peak], "x", color="red", markersize=9)
    for limit in limits:
        ax.axhline(float(limit), color="red", linestyle=":", linewidth=1)
        ax.annotate(f"memory limit {limit} MiB", (ax.get_xlim()[0], float(limit)), va="bottom",
                    fontsize=7, color="red")
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.set_xlabel("concurrent keep-alive connections through the pair")
    ax.set_ylabel("peak memory of the proxy's cgroup (MiB)")
    ax.set_title("Palisade proxy memory over connections (each proxy in its own memory cgroup)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.text(0.99, 0.005, "hack/bench-proxy-memory.sh", ha="right", va="bottom", fontsize=6,
             color="#555555")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(out / "memory-connections.png")
    plt.close(fig)
    print(out / "memory-connections.png")


def main(argv):
    if len(argv) >= 2 and argv[0] == "table":
        table(argv[1])
    elif len(argv) >= 3 and argv[0] == "plots":
        machine = argv[argv.index("--machine") + 1] if "--machine" in argv else None
        plots(argv[1], argv[2], machine)
    elif len(argv) >= 3 and argv[0] == "memory":
        memory_curve(argv[1:-1], argv[-1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
