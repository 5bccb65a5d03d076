"""Benchmark of the data preparation on the CPU: minutes of raw video processed per minute, per step, on a local
process pool and on a Dask cluster of the same size.

    python bench/prepare.py [--videos 4] [--seconds 12] [--workers 2] [--scale 0.5] [--hyperiqa random|PATH]

The raw folder is made from the sample clips (each `--seconds` long, scaled by `--scale`, with its own speech). Sync is
scored by a `FixedScorer` (no trained S network here), so the `sync` step is not in the figures. Each mode starts from an
empty output folder; the per-step seconds are summed over the workers (CPU time spent in the step). `--hyperiqa` judges
quality with hyperIQA (`random`: random weights saved to a temporary file, for its time only; the scores mean nothing),
so that the `quality` step includes its ResNet-50.
"""
import argparse, shutil, sys, tempfile, time
from pathlib import Path


def make_raw(folder: Path, n: int, seconds: float, scale: float):
    import cv2, numpy as np, soundfile as sf
    from latentsync.core import sample_data
    from latentsync.audio import load_audio
    from latentsync.video import VideoReader, VideoWriter
    for k in range(n):
        name = f"demo{k % 3 + 1}"
        r = VideoReader(sample_data(f"{name}_video.mp4"))
        frames = int(seconds * 25)
        idx = np.arange(frames) % len(r)
        sf.write(folder/"a.wav", np.resize(load_audio(sample_data(f"{name}_video.mp4")), int(seconds * 16000)), 16000)
        with VideoWriter(folder/f"raw {k}.mp4", audio=folder/"a.wav") as w:
            for s in range(0, frames, 25):
                chunk = r.get(idx[s:s + 25])
                if scale != 1: chunk = np.stack([cv2.resize(f, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) for f in chunk])
                w.write(chunk)
    (folder/"a.wav").unlink()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scale", type=float, default=0.5)
    ap.add_argument("--hyperiqa", default=None, help="koniq_pretrained.pkl, or 'random' (random weights: time only)")
    a = ap.parse_args()
    from latentsync.prepare import prepare, FixedScorer, PrepareConfig
    from latentsync.ports import HyperIQA
    d = Path(tempfile.mkdtemp(prefix="latentsync bench prepare "))
    cfg = PrepareConfig()
    if a.hyperiqa == "random":
        import torch
        torch.save(HyperIQA().state_dict(), d/"random_hyperiqa.pkl")
        cfg = PrepareConfig(hyperiqa=str(d/"random_hyperiqa.pkl"), min_hyperiqa=float("-inf"))   # every clip passes
    elif a.hyperiqa is not None: cfg = PrepareConfig(hyperiqa=a.hyperiqa)
    raw = d/"raw"; raw.mkdir()
    make_raw(raw, a.videos, a.seconds, a.scale)
    minutes_in = a.videos * a.seconds / 60
    rows = []
    for mode in ("pool", "dask"):
        out = d/mode
        t0 = time.perf_counter()
        if mode == "pool":
            res = prepare(raw, out, cfg, scorer=FixedScorer({}), workers=a.workers, progress=False)
        else:
            import distributed
            with distributed.LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
                 distributed.Client(c) as client:
                t0 = time.perf_counter()                     # the cluster's start-up (a few seconds) is not counted
                res = prepare(raw, out, cfg, scorer=FixedScorer({}), scheduler=client, progress=False)
        wall = time.perf_counter() - t0
        rows.append((mode, wall, res))
    print(f"{a.videos} videos x {a.seconds:g} s ({minutes_in:.1f} min of raw video) at scale {a.scale:g}, {a.workers} workers"
          + (f", hyperIQA ({a.hyperiqa})" if a.hyperiqa else ", classical quality measure") + "\n")
    steps = list(rows[0][2]["seconds"])
    print("| mode | wall s | raw min per min | kept clips | " + " | ".join(f"{s} s" for s in steps) + " |")
    print("|---|---|---|---|" + "---|" * len(steps))
    for mode, wall, res in rows:
        print(f"| {mode} | {wall:.1f} | {minutes_in / (wall / 60):.2f} | {res['summary']['kept clips']} | "
              + " | ".join(f"{res['seconds'].get(s, 0):.1f}" for s in steps) + " |")
    same = [r["clip"] for r in rows[0][2]["rows"]] == [r["clip"] for r in rows[1][2]["rows"]]
    print(f"\nthe same clips from both modes: {same}")
    shutil.rmtree(d)
    sys.exit(0 if same else 1)
