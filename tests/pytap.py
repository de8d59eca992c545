"""PASS/FAIL/SKIP lines for the Python tests (tests/t0NN-*.py), the protocol of tests/tap.h that
tests/run.sh counts. Not named t*.py, so run.sh does not take it for a test."""

failures = 0


def check(ok, name, why=""):
    global failures
    if ok:
        print(f"PASS {name}", flush=True)
    else:
        failures += 1
        print(f"FAIL {name}: {why}", flush=True)
    return ok


def skip(name, why):
    print(f"SKIP {name}: {why}", flush=True)


def status():
    """the test's exit status: 1 after any failure"""
    return 1 if failures else 0
