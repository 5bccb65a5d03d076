"""Small helpers shared by the benchmark scripts: run a function in a fresh process and report its peak memory."""
import json, multiprocessing as mp, resource, time, sys


def _child(q, fn, args):
    try:
        t0 = time.perf_counter()
        out = fn(*args) or {}
        out.setdefault("seconds", time.perf_counter() - t0)
        out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        q.put(out)
    except Exception as e:  # report, don't hang
        q.put({"error": f"{type(e).__name__}: {e}"})


def isolated(fn, *args):
    "Run `fn(*args)` in a fresh process (so peak RSS is its own); returns its dict plus `peak_rss_mib`."
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q, fn, args))
    p.start()
    out = q.get()
    p.join()
    return out


def table(rows, cols):
    "Print rows (dicts) as a markdown table with the given columns."
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(f"{r.get(c, ''):.3g}" if isinstance(r.get(c), float) else str(r.get(c, "")) for c in cols) + " |")
    sys.stdout.flush()


def save(name, rows):
    from pathlib import Path
    d = Path(__file__).parent/"results"; d.mkdir(exist_ok=True)
    (d/f"{name}.json").write_text(json.dumps(rows, indent=1))
