"""Plots of hack/bench-scale.sh's CSV files: python plot.py <dir with steps.csv>."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def cdf(ax, values, label):
    values = sorted(values)
    if not values:
        return
    n = len(values)
    ax.step(values, [(i + 1) / n for i in range(n)], where="post", label=f"{label} (n={n})")


def main(out):
    steps = rows(os.path.join(out, "steps.csv"))
    pods = [int(r["pods"]) for r in steps]

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(pods, [float(r["rss_mib"]) for r in steps], "o-", label="RSS")
    ax.plot(pods, [float(r["heap_after_gc_mib"]) for r in steps], "s-", label="heap after full GC")
    ax.axhline(1024, color="red", linestyle="--", linewidth=1, label="target: RSS 1 GiB")
    ax.set_xlabel("pods (each a sidecar holding a long-poll)")
    ax.set_ylabel("MiB")
    ax.set_title("Operator memory against pods")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "memory.png"), dpi=110)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for p in pods:
        fan = rows(os.path.join(out, f"fanout-{p}.csv"))
        for kind, ax in (("namespace", axes[0]), ("mesh", axes[1])):
            cdf(ax, [float(r["latency_ms"]) / 1000 for r in fan if r["change"] == kind], f"{p} pods")
    axes[0].set_title("Namespace-wide MeshPolicy change")
    axes[1].set_title("Mesh-wide MeshPolicy change")
    for ax in axes:
        ax.axvline(5, color="red", linestyle="--", linewidth=1, label="target: p99 5 s")
        ax.set_xlabel("seconds from the API write to the sidecar's new version")
        ax.set_ylabel("fraction of affected sidecars")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "fanout-cdf.png"), dpi=110)

    fig, ax = plt.subplots(figsize=(6, 4))
    for p in pods:
        cdf(ax, [float(r["certified_s"]) for r in rows(os.path.join(out, f"restart-{p}.csv"))
                 if float(r["certified_s"]) >= 0], f"{p} sidecars")
    ax.axvline(60, color="red", linestyle="--", linewidth=1, label="target: all in 60 s")
    ax.set_xlabel("seconds from the restart to a new certificate")
    ax.set_ylabel("fraction of sidecars certified")
    ax.set_title("Mass restart: every sidecar re-CSRs at once")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "restart-cdf.png"), dpi=110)


if __name__ == "__main__":
    main(sys.argv[1])
