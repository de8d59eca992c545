"""Independent reference computations for the avalanche tests (t062, t065): the published impact
ionization coefficients written out (not read from the code) and the ionization integral.
Not named t*.py, so tests/run.sh does not take it for a test.

van Overstraeten & de Man, Solid-State Electron. 13 (1970) 583; Okuto & Crowell, Solid-State
Electron. 18 (1975) 161 (table 1, Si)."""
import numpy as np

Q = 1.602176634e-19
KB = 1.380649e-23
EPS = 11.7 * 8.8541878128e-14
KT = KB * 300.0 / Q
NI = 1.0e10  # the built-in Si n_i (docs/deck.md)


def alpha_vodm(E, c):
    E = np.maximum(E, 1e-30)
    if c == 0:
        return 7.03e5 * np.exp(-1.231e6 / E)
    return np.where(E < 4e5, 1.582e6 * np.exp(-2.036e6 / E), 6.71e5 * np.exp(-1.693e6 / E))


def alpha_okuto(E, c):
    E = np.maximum(E, 1e-30)
    a, b = (0.426, 4.81e5) if c == 0 else (0.243, 6.53e5)
    return a * E * np.exp(-((b / E) ** 2))


def electron_integral(s, an, ap):
    """I_n = int alpha_n exp(-int_0^x (alpha_n - alpha_p)) dx along the electrons' path s (trapezoid)"""
    d = an - ap
    K = np.concatenate([[0.0], np.cumsum(0.5 * (d[1:] + d[:-1]) * np.diff(s))])
    f = an * np.exp(-K)
    return float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(s)))


def bisect(fun, lo, hi, n=100):
    """the root of the increasing fun(V) - 1 between lo and hi"""
    for _ in range(n):
        m = 0.5 * (lo + hi)
        if fun(m) < 1:
            lo = m
        else:
            hi = m
    return 0.5 * (lo + hi)
