"""Dubbing many videos (issue 36): jobs per hour with 1 and 2 local Dask workers against one process, the memory of each
worker, and the time to the first finished job, on the tiny model with a dozen short jobs.

    python bench/batch.py [--jobs 12] [--seconds 1.28] [--steps 2] [--workers 1 2]

Each job dubs one of the sample clips with `--seconds` of another sample's speech. Every configuration starts from empty
output folders; the Dask runs include starting the cluster and each worker loading its models (that is what a user
waits for). Results: bench/results/batch.json.
"""
import argparse, json, time, warnings
from pathlib import Path
import tempfile

import soundfile as sf

from latentsync.audio import load_audio
from latentsync.core import sample_data
from latentsync.batch import sync_batch
from latentsync.pipeline import load_models


def jobs_file(folder: Path, n: int, seconds: float, name: str) -> Path:
    speech = load_audio(sample_data("demo2_audio.wav"))
    rows = []
    for k in range(n):
        wav = folder/f"speech {k}.wav"
        start = int(k * 0.37 * 16000) % (len(speech) - int(seconds * 16000))
        sf.write(wav, speech[start:start + int(seconds * 16000)], 16000)
        rows.append(f"{sample_data(f'demo{1 + k % 3}_video.mp4')},{wav.name},{name}/{k:02d}.mp4\n")
    f = folder/f"{name}.csv"; f.write_text("video,audio,out\n" + "".join(rows)); return f


class PeakRSS:
    "The peak resident memory of each process under this one (Dask's workers and nannies), sampled every 0.2 s."
    def __enter__(self):
        import threading, psutil
        self.peak, self.stop = {}, threading.Event()
        def sample():
            me = psutil.Process()
            while not self.stop.wait(0.2):
                for p in me.children(recursive=True):
                    try: self.peak[p.pid] = max(self.peak.get(p.pid, 0), p.memory_info().rss / 2**20)
                    except psutil.Error: pass
        self.t = threading.Thread(target=sample, daemon=True); self.t.start(); return self
    def __exit__(self, *exc): self.stop.set(); self.t.join()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=1.28)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    rows = []
    with tempfile.TemporaryDirectory(prefix="latentsync batch bench ") as tmp:
        tmp = Path(tmp)
        first = {}
        def timed(name, **kw):
            t0 = time.perf_counter(); first[name] = None
            def done(job):
                if first[name] is None: first[name] = time.perf_counter() - t0
            res = sync_batch(jobs_file(tmp, a.jobs, a.seconds, name), steps=a.steps, progress=False, on_done=done, **kw)
            wall = time.perf_counter() - t0
            ok = sum(j.status == "done" for j in res)
            return {"config": name, "jobs": len(res), "done": ok, "seconds": round(wall, 1), "jobs_per_hour": round(3600 * ok / wall),
                    "first_result_s": round(first[name], 1)}
        import resource
        t0 = time.perf_counter(); models = load_models("tiny", device="cpu"); load_s = time.perf_counter() - t0
        r = timed("one process", models=models); r["first_result_s"] = round(r["first_result_s"] + load_s, 1)
        r["seconds"] = round(r["seconds"] + load_s, 1); r["jobs_per_hour"] = round(3600 * r["done"] / r["seconds"])
        r["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        rows.append(r); print(r, flush=True)
        for n in a.workers:
            with PeakRSS() as mem:
                r = timed(f"dask local:{n}", model=dict(unet="tiny", device="cpu"), scheduler=f"local:{n}")
            r["peak_rss_mib_per_worker"] = round(max(mem.peak.values()))       # the largest process: a worker
            rows.append(r); print(r, flush=True)
    out = Path(__file__).parent/"results"; out.mkdir(exist_ok=True)
    (out/"batch.json").write_text(json.dumps(rows, indent=1))
    print("| configuration | jobs done | seconds | jobs per hour | first result (s) | peak memory (MiB) |\n|---|---|---|---|---|---|")
    for r in rows: print(f"| {r['config']} | {r['done']} of {r['jobs']} | {r['seconds']} | {r['jobs_per_hour']} | {r['first_result_s']} | "
                         f"{r.get('peak_rss_mib', r.get('peak_rss_mib_per_worker'))}{' per worker' if 'peak_rss_mib_per_worker' in r else ''} |")
