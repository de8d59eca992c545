"""The PNG of a batch (tcad batch, docs/batch.md): each figure of DIR/summary.csv that the cases
have (breakdown voltage, threshold voltage, substrate-current peak, ...) against the first varied
parameter that is a number, one curve per combination of the other parameters (so drift-diffusion
and energy balance sit side by side when both were run), one panel per figure. Failed cases are
left out and counted in the title. Writes DIR/summary.png.
usage: plot-batch.py DIR"""
import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FIXED = {"case", "status", "reason", "wall_time_s", "newton_iterations"}
UNITS = {"vt_cc": "V", "vt_gm": "V", "ss_mv_per_dec": "mV/dec", "dibl_mv_per_v": "mV/V", "breakdown_voltage": "V",
         "isub_peak_vg": "V"}


def number(s):
    try:
        v = float(s)
        return v if math.isfinite(v) else None
    except ValueError:
        return None


def main(out):
    rows = list(csv.DictReader(open(f"{out}/summary.csv")))
    if not rows:
        sys.exit(f"plot-batch: {out}/summary.csv has no cases")
    header = list(rows[0].keys())
    params = header[1:header.index("status")]
    figures = [h for h in header[header.index("wall_time_s") + 1:] if h not in FIXED]
    done = [r for r in rows if r["status"] == "done"]
    # x: the first parameter whose values are all numbers and that takes more than one value
    xparam = next((p for p in params if all(number(r[p]) is not None for r in rows)
                   and len({r[p] for r in rows}) > 1), None)
    if xparam is None:
        xparam = params[0]
    others = [p for p in params if p != xparam]
    have = [f for f in figures if any(number(r[f]) is not None for r in done)]
    if not have:
        print(f"plot-batch: no case of {out} has a figure to plot (summary.csv)")
        return
    ncol = min(3, len(have))
    nrow = (len(have) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(5 * ncol, 3.8 * nrow), squeeze=False)
    xs = [number(r[xparam]) for r in rows]
    logx = all(x is not None and x > 0 for x in xs) and max(xs) / min(xs) > 50
    for k, f in enumerate(have):
        ax = axes[k // ncol][k % ncol]
        groups = {}
        for r in done:
            key = ", ".join(f"{p} = {r[p]}" for p in others)
            groups.setdefault(key, []).append(r)
        for key, rs in groups.items():
            pts = [(number(r[xparam]) if number(r[xparam]) is not None else r[xparam], number(r[f])) for r in rs]
            pts = [p for p in pts if p[1] is not None]
            if not pts:
                continue
            if all(isinstance(p[0], float) for p in pts):
                pts.sort()
            y = [abs(p[1]) for p in pts] if f.startswith(("isub", "gate_current", "ion", "ioff", "lifetime")) else \
                [p[1] for p in pts]
            ax.plot([p[0] for p in pts], y, "o-", label=key or None)
        if logx:
            ax.set_xscale("log")
        if f.startswith(("isub_peak", "gate_current", "ion", "ioff", "lifetime")) and f != "isub_peak_vg":
            ax.set_yscale("log")
        ax.set_xlabel(xparam)
        ax.set_ylabel(f + (f" ({UNITS[f]})" if f in UNITS else ""))
        ax.grid(True, alpha=0.3)
        if others and k == 0:
            ax.legend(fontsize=7)
    for k in range(len(have), nrow * ncol):
        axes[k // ncol][k % ncol].axis("off")
    failed = sum(r["status"] == "failed" for r in rows)
    notrun = sum(r["status"] == "not run" for r in rows)
    fig.suptitle(f"{out}: {len(done)} of {len(rows)} cases done"
                 + (f", {failed} failed" if failed else "") + (f", {notrun} not run" if notrun else ""))
    fig.tight_layout()
    fig.savefig(f"{out}/summary.png", dpi=110)
    print(f"wrote {out}/summary.png ({len(have)} figure{'s' if len(have) > 1 else ''} against {xparam})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
