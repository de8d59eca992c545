"""PNG plots of the built-in study (make run): drift-diffusion against energy balance on the
2D n-MOSFET. Reads OUT/dd/fields.h5 and OUT/eb/fields.h5 and writes into OUT:
  idvd.png       Id-Vd at Vg = 1.5 V, both models
  idvg.png       Id-Vg at Vd = 50 mV, both models (log and linear)
  tn_map.png     electron temperature at the last bias point (energy balance)
  channel.png    T_n and |v_n| along the channel 1 nm below the Si/SiO2 interface, last point
usage: plot-study.py OUT"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import matplotlib.tri as mtri
import numpy as np


def iv(path):
    with h5py.File(path, "r") as f:
        cols = [c.decode() if isinstance(c, bytes) else c for c in f["iv"].attrs["columns"]]
        return {c: f["iv"][:, k] for k, c in enumerate(cols)}


def split(t):
    """rows of the Id-Vg sweep (drain at 50 mV, gate moving) and of the Id-Vd sweep (gate at its end)"""
    vd, vg = t["V(drain)"], t["V(gate)"]
    gmax = vg.max()
    g = (np.abs(vd - 0.05) < 1e-9) & (vg > 0)
    d = (np.abs(vg - gmax) < 1e-9) & (vd >= 0.05 - 1e-9)
    return g, d


def main(out):
    dd, eb = iv(f"{out}/dd/fields.h5"), iv(f"{out}/eb/fields.h5")
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for t, name, st in ((dd, "drift-diffusion", "-o"), (eb, "energy balance", "-s")):
        g, d = split(t)
        ax.plot(t["V(drain)"][d], t["I(drain)"][d] * 1e-4 * 1e3, st, ms=3, label=name)
    ax.set_xlabel("V_d (V)")
    ax.set_ylabel("I_d (mA/µm)")
    ax.set_title("n-MOSFET Id-Vd, V_g = 1.5 V")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(f"{out}/idvd.png", dpi=120)

    fig, ax = plt.subplots(1, 2, figsize=(9, 4))
    for t, name, st in ((dd, "drift-diffusion", "-o"), (eb, "energy balance", "-s")):
        g, d = split(t)
        x, y = t["V(gate)"][g], t["I(drain)"][g] * 1e-4 * 1e3
        ax[0].semilogy(x, np.abs(y), st, ms=3, label=name)
        ax[1].plot(x, y, st, ms=3, label=name)
    for a in ax:
        a.set_xlabel("V_g (V)")
        a.set_ylabel("I_d (mA/µm)")
        a.grid(alpha=0.3)
    ax[0].legend()
    fig.suptitle("n-MOSFET Id-Vg, V_d = 50 mV")
    fig.tight_layout()
    fig.savefig(f"{out}/idvg.png", dpi=120)

    with h5py.File(f"{out}/eb/fields.h5", "r") as f:
        xy = f["mesh/geometry"][:, :2]
        topo = f["mesh/topology"][:]
        last = sorted(f["steps"].keys())[int(f["steps"].attrs["nsteps"]) - 1]
        s = f["steps"][last]
        tn = s["electron_temperature"][:]
        vn = np.linalg.norm(s["electron_velocity"][:], axis=1)
        semi = s["electron_density"][:] > 0
        label = s.attrs.get("label", last)
    tri = mtri.Triangulation(xy[:, 0], xy[:, 1], topo[:, :3])
    fig, ax = plt.subplots(figsize=(8, 4))
    m = ax.tripcolor(tri, tn, shading="gouraud", cmap="inferno")
    ax.set_ylim(0.3, -0.01)
    ax.set_aspect("equal")
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    fig.colorbar(m, ax=ax, label="T_n (K)")
    ax.set_title(f"electron temperature, {label if isinstance(label, str) else label.decode()}")
    fig.tight_layout()
    fig.savefig(f"{out}/tn_map.png", dpi=120)

    # channel: nodes within 1 nm below the interface (y = 0, y down into the silicon)
    sel = semi & (xy[:, 1] > 0.0) & (xy[:, 1] < 0.0015)
    o = np.argsort(xy[sel, 0])
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(xy[sel, 0][o], tn[sel][o], "-", color="C3", label="T_n")
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("T_n (K)", color="C3")
    ax2 = ax.twinx()
    ax2.plot(xy[sel, 0][o], vn[sel][o] / 1e7, "-", color="C0", label="|v_n|")
    ax2.axhline(1.07, color="C0", ls=":", lw=1)
    ax2.set_ylabel("|v_n| (1e7 cm/s; dotted: v_sat)", color="C0")
    ax.set_title("energy balance: channel 0-1.5 nm below the interface, last bias point")
    fig.tight_layout()
    fig.savefig(f"{out}/channel.png", dpi=120)
    print(f"plots: {out}/idvd.png, {out}/idvg.png, {out}/tn_map.png, {out}/channel.png")
    g, d = split(dd)
    g2, d2 = split(eb)
    print(f"Id(Vd = {dd['V(drain)'][d][-1]:.2f} V): DD {dd['I(drain)'][d][-1]:.4e} A/cm, energy balance "
          f"{eb['I(drain)'][d2][-1]:.4e} A/cm ({100 * (eb['I(drain)'][d2][-1] / dd['I(drain)'][d][-1] - 1):+.1f} %); "
          f"T_n max {tn.max():.0f} K")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tcad-out/mosfet2d")
