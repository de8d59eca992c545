"""Running the tcad command line from the Python tests: the binary (TCAD, set by tests/run.sh, else
BUILD_DIR/tcad from argv), a work folder per test under TCAD_TEST_TMP, decks written there, and
runs with -q. Not named t*.py, so run.sh does not take it for a test."""
import os
import subprocess
import sys
import tempfile

TCAD = os.environ.get("TCAD") or os.path.join(sys.argv[1] if len(sys.argv) > 1 else "build", "tcad")


def workdir(name):
    """the test's folder under TCAD_TEST_TMP (a fresh temporary folder when run alone)"""
    w = os.path.join(os.environ.get("TCAD_TEST_TMP") or tempfile.mkdtemp(), name)
    os.makedirs(w, exist_ok=True)
    return w


def write(folder, name, text):
    """a deck (or any text file) in folder; its path"""
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(deck, out, *extra):
    """tcad run DECK -o OUT -q EXTRA...: the CompletedProcess, output captured as text"""
    return subprocess.run([TCAD, "run", deck, "-o", out, "-q", *extra], capture_output=True, text=True)
