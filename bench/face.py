"""Benchmark: face detection + alignment and paste-back speed on the 1080x1920 samples, on the CPU.

    python bench/face.py [--frames N] [--threads N] [--repeats N]

Frames are processed in 16-frame windows, as the pipeline does. Reports frames per second for: decoding (decord),
landmarks (mediapipe face mesh, tracking mode), alignment (similarity transforms + warp to 210x280 + Lanczos to 256),
and restore (feathered paste-back of a 256 face into the full frame). Best of `--repeats` runs (the machine is shared).
"""
import argparse, time
import numpy as np, torch
from latentsync.core import sample_data
from latentsync.video import VideoReader
from latentsync.face import MediaPipeFaces, align_transforms, align_faces, restore_frames
from _util import table, save

ap = argparse.ArgumentParser()
ap.add_argument("--frames", type=int, default=96)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--repeats", type=int, default=3)
a = ap.parse_args()
torch.set_num_threads(a.threads)
rows = []
for n in (1, 3):
    r = VideoReader(sample_data(f"demo{n}_video.mp4"))
    best = {}
    for _ in range(a.repeats):
        t = dict(decode=0.0, landmarks=0.0, align=0.0, restore=0.0)
        det = MediaPipeFaces()
        for s, frames in ((s, None) for s in range(0, a.frames, 16)):
            t0 = time.perf_counter(); frames = r.get(range(s, min(s + 16, a.frames))); t["decode"] += time.perf_counter() - t0
            t0 = time.perf_counter(); pts = np.stack([f.points3 if (f := (det(x) or [None])[0]) else np.full((3, 2), np.nan) for x in frames]); t["landmarks"] += time.perf_counter() - t0
            t0 = time.perf_counter(); al = align_transforms(pts); faces = align_faces(frames, al); t["align"] += time.perf_counter() - t0
            gen = torch.from_numpy(faces).permute(0, 3, 1, 2).float() / 127.5 - 1
            t0 = time.perf_counter(); restore_frames(frames, gen, al); t["restore"] += time.perf_counter() - t0
        best = {k: min(v, best.get(k, 1e9)) for k, v in t.items()}
    row = {"clip": f"demo{n} ({r.info.width}x{r.info.height}, {r.info.fps:g} fps)", "frames": a.frames}
    row.update({f"{k}_fps": a.frames / v for k, v in best.items()})
    row["detect+align_fps"] = a.frames / (best["landmarks"] + best["align"])
    rows.append(row)
table(rows, list(rows[0]))
save("face", rows)
