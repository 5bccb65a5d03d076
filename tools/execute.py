"""Run notebooks as `nbdev_test` does (cells flagged `slow` or `cuda`, `eval: false` and `nbdev_export()` skipped;
IN_TEST=1) and save their outputs, so that the documentation shows fresh figures; then `nbdev_clean` them.
Nothing is written for a notebook that fails (its traceback is printed).

    python tools/execute.py nbs/24_metrics.ipynb [more notebooks] [--flags "slow"]

`bash tools/docs.sh --preview` afterwards checks the saved outputs (no tracebacks, warnings or progress bars). Widgets
have no front end here, so what they print lands in the cell's stream outputs: remove those before committing.
"""
import argparse, os, subprocess, sys
from pathlib import Path


def execute(fn: Path, skip: set) -> bool:
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    from nbdev.process import extract_directives
    nb = read_nb(fn)
    def no_eval(cell):
        if cell.cell_type != "code" or "nbdev_export(" in cell.source: return True
        d = extract_directives(cell, remove=False)
        return d.get("eval:", [""])[0].lower() == "false" or bool(skip & set(d))
    for cell in nb.cells:                          # a cell that prints nothing now must not keep what it printed before
        if not no_eval(cell): cell.outputs = []
    os.environ["IN_TEST"] = "1"
    k = CaptureShell(fn)
    try:
        with working_directory(fn.parent): k.run_all(nb, exc_stop=True, preproc=no_eval)
    except Exception:
        sys.stderr.write(k.prettytb(fname=fn) + "\n"); return False
    write_nb(nb, fn)
    subprocess.run(["nbdev_clean", "--fname", str(fn)], check=True)
    return True


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--flags", default="", help="flags to run as well (e.g. 'slow', 'ablations'); the others are skipped")
    a = ap.parse_args()
    import configparser
    ini = configparser.ConfigParser(); ini.read(Path(__file__).resolve().parents[1]/"settings.ini")
    flags = set(ini["DEFAULT"].get("tst_flags", "").split()) | {"slow", "cuda"}     # every flag nbdev_test skips
    skip = flags - set(a.flags.split())
    failed = [str(fn) for fn in a.notebooks if not execute(fn.resolve(), skip)]
    print(f"executed and saved: {len(a.notebooks) - len(failed)}; failed: {', '.join(failed) or 'none'}")
    sys.exit(1 if failed else 0)
