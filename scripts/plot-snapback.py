"""PNG of the snapback example (examples/snapback2d.yaml): the collector's I-V through breakdown,
trigger and holding region, and the body (substrate contact) voltage that turns the emitter on.
Reads OUT/fields.h5 (the /iv table) and OUT/summary.json; writes OUT/snapback.png.
usage: plot-snapback.py OUT"""
import json
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def main(out):
    with h5py.File(f"{out}/fields.h5", "r") as f:
        cols = [c.decode() if isinstance(c, bytes) else c for c in f["iv"].attrs["columns"]]
        t = {c: f["iv"][:, k] for k, c in enumerate(cols)}
    s = json.load(open(f"{out}/summary.json"))
    v, i, vsub = t["V(collector)"], t["I(collector)"], t["V(substrate)"]
    keep = i > 0
    v, i, vsub = v[keep], i[keep] * 1e-4 * 1e6, vsub[keep]  # A/cm -> uA/um
    k = int(np.argmax(v))
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    # below ~1e-10 A/cm the contact current is at the rounding floor of its sums (the n+ contact's
    # one-way flows): the leakage there is noise, drawn grey
    floor = 1e-10 * 1e-4 * 1e6
    low = np.flatnonzero(i < floor)
    first = int(low[-1]) + 1 if len(low) else 0
    if first > 0:
        ax.semilogy(v[: first + 1], i[: first + 1], ":", color="0.6", label="leakage below the contact-sum rounding floor")
    ax.semilogy(v[first:], i[first:], "-o", ms=3, color="C0", label="collector (load line, then current drive)")
    ax.plot(v[k], i[k], "^", ms=9, color="C3", label=f"trigger {v[k]:.2f} V")
    h = int(np.argmin(v[k:])) + k
    ax.plot(v[h], i[h], "v", ms=9, color="C2", label=f"lowest voltage traced {v[h]:.2f} V")
    bv = s.get("breakdown_voltage")
    if bv:
        ax.axvline(bv, color="0.6", ls="--", lw=1, label=f"breakdown voltage {bv:.2f} V (1e-6 A/cm)")
    ax.set_xlabel("collector voltage (V)")
    ax.set_ylabel("collector current (uA/um)")
    ax.set_title("lateral n+pn+ (gate-less ggNMOS): avalanche and snapback")
    ax.grid(True, which="both", alpha=0.3)
    ax2 = ax.twiny()
    ax2.semilogy(vsub, i, ":", color="C1")
    ax2.set_xlabel("body voltage at the substrate contact (V), dotted", color="C1")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{out}/snapback.png", dpi=130)
    print(f"wrote {out}/snapback.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tcad-out/snapback2d")
