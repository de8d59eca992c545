"""The hot-carrier and breakdown study of make run (examples/mosfet2d-hc.yaml), drift-diffusion
against energy balance: reads OUT/dd and OUT/eb (iv.csv, summary.json) and writes into OUT
  hc-isub.png       |I_sub| against V_g at each V_d, both models
  hc-ig.png         the hot-carrier gate current against V_g, both models
  hc-lifetime.png   Hu's lifetime against V_g, both models
  comparison.md     the table: breakdown voltage, the I_sub peak and its V_g per V_d, I_sub/I_d
                    there, the gate current and the lifetime at the worst-case bias, the peak
                    interface T_n, and the cost of each run
usage: plot-hc.py OUT"""
import csv
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MODELS = (("dd", "drift-diffusion", "-"), ("eb", "energy balance", "--"))


def table(path):
    rows = list(csv.DictReader(open(path)))
    cols = {k.split(" [")[0]: k for k in rows[0]}
    return {c: [float(r[k]) for r in rows] for c, k in cols.items()}


def gate_sweeps(t, summ):
    """the rows of each gate sweep that the summary lists a substrate-current peak for"""
    out = []
    for pk in summ.get("substrate_current", []):
        idx = [i for i, s in enumerate(t["solve_step"]) if s == pk["solve_step"]]
        out.append((pk, idx))
    return out


def plot(out, data, column, ylabel, fname, title, absval=True, floor=None):
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for key, name, ls in MODELS:
        t, summ = data[key]
        if column not in t:
            continue
        for pk, idx in gate_sweeps(t, summ):
            x = [t["V(gate)"][i] for i in idx]
            y = [abs(t[column][i]) if absval else t[column][i] for i in idx]
            keep = [(a, b) for a, b in zip(x, y) if math.isfinite(b) and b > (floor or 0)]
            if keep:
                ax.semilogy(*zip(*keep), ls, marker="o", ms=3, label=f"{name}, V_d = {pk['vd']:g} V")
    ax.set_xlabel("V_g (V)")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{out}/{fname}", dpi=120)
    plt.close(fig)


def fmt(v, unit=""):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v:.3g}{unit}"


def ratio(a, b):
    return fmt(b / a) if a and b and math.isfinite(a) and math.isfinite(b) and a != 0 else "–"


def main(out):
    data = {k: (table(f"{out}/{k}/iv.csv"), json.load(open(f"{out}/{k}/summary.json"))) for k, _, _ in MODELS}
    plot(out, data, "Ip(bulk)", "|I_sub| (A/cm)", "hc-isub.png", "substrate current (the bulk contact's holes)")
    plot(out, data, "I_g_hot", "I_g (A/cm)", "hc-ig.png",
         "hot-carrier gate current (lucky electron / Fiegna)", floor=1e-60)
    plot(out, data, "lifetime", "lifetime (s)", "hc-lifetime.png", "Hu's lifetime, C = 10 s A/cm, m = 2.9")

    rows = []
    (tdd, sdd), (teb, seb) = data["dd"][0:2], data["eb"][0:2]
    rows.append(("breakdown voltage of the drain at V_g = 0 (V)", sdd.get("breakdown_voltage"),
                 seb.get("breakdown_voltage")))
    peaks = {k: {p["vd"]: p for p in data[k][1].get("substrate_current", [])} for k in ("dd", "eb")}
    for vd in sorted(peaks["dd"]):
        a, b = peaks["dd"][vd], peaks["eb"].get(vd, {})
        rows.append((f"I_sub peak at V_d = {vd:g} V (A/cm)", a["isub_peak"], b.get("isub_peak")))
        rows.append(("  its V_g (V)", a["isub_peak_vg"], b.get("isub_peak_vg")))
        rows.append(("  V_g/V_d there", a["isub_peak_vg"] / vd, b["isub_peak_vg"] / vd if b else None))
        rows.append(("  I_sub/I_d there", a["isub_over_id"], b.get("isub_over_id")))
    g = {k: data[k][1].get("gate_current", {}) for k in ("dd", "eb")}
    rows.append(("gate current model", g["dd"].get("model"), g["eb"].get("model")))
    rows.append(("I_g at the worst-case bias (A/cm)", (g["dd"].get("worst_case") or {}).get("ig"),
                 (g["eb"].get("worst_case") or {}).get("ig")))
    rows.append(("largest I_g (A/cm)", (g["dd"].get("largest") or {}).get("ig"), (g["eb"].get("largest") or {}).get("ig")))
    lw = {k: data[k][1].get("lifetime_worst_case") or {} for k in ("dd", "eb")}
    rows.append(("lifetime at the worst-case bias (s)", sdd.get("lifetime"), seb.get("lifetime")))
    rows.append(("  worst-case bias V_d, V_g (V)",
                 " / ".join(f"{lw['dd'].get('bias', {}).get(c, float('nan')):g}" for c in ("drain", "gate")),
                 " / ".join(f"{lw['eb'].get('bias', {}).get(c, float('nan')):g}" for c in ("drain", "gate"))))
    rows.append(("  worst case over the reference (V_d 1.5, V_g 0.75)",
                 sdd.get("lifetime_model", {}).get("worst_over_reference"),
                 seb.get("lifetime_model", {}).get("worst_over_reference")))
    # over the gate sweeps (the hot-carrier biases), not the breakdown
    tn = [teb["Tn_max_interface"][i] for _, idx in gate_sweeps(teb, seb) for i in idx] if "Tn_max_interface" in teb else []
    tn = [v for v in tn if math.isfinite(v)]
    rows.append(("peak interface electron temperature over the gate sweeps (K)", None, max(tn) if tn else None))
    for key, label in (("bias_points", "bias points"), ("newton_iterations", "Newton iterations"),
                       ("wall_time_s", "wall time (s)")):
        rows.append((f"cost: {label}", sdd["cost"][key], seb["cost"][key]))

    with open(f"{out}/comparison.md", "w") as f:
        f.write("| | drift-diffusion | energy balance | EB / DD |\n|---|---|---|---|\n")
        for name, a, b in rows:
            num = all(isinstance(v, (int, float)) for v in (a, b))
            sa = fmt(a) if isinstance(a, (int, float)) or a is None else str(a)
            sb = fmt(b) if isinstance(b, (int, float)) or b is None else str(b)
            f.write(f"| {name} | {sa} | {sb} | {ratio(a, b) if num else '–'} |\n")
    print(open(f"{out}/comparison.md").read())
    print(f"wrote {out}/hc-isub.png, hc-ig.png, hc-lifetime.png, comparison.md")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tcad-out/mosfet2d-hc")
