"""Benchmark of the invisible watermark (latentsync.provenance): how often it is found in our outputs after H.264 and a
frame-rate conversion, how often it is "found" in videos that do not carry it, and what it costs in the face.

    python bench/watermark.py [--seconds 4] [--clips 1 2 3]
    python bench/watermark.py --null          # scores with no mark: 200 patterns on each untouched clip

For each sample clip: `sync_frames` with the tiny random-weight model (steps 1) on the first SECONDS of the clip's own
speech, once with the mark and once without (same seed, so the two differ only by the mark). The marked frames are
encoded at CRF 18, 23 and 28, and the CRF 23 and 28 files are converted to 30 fps (re-encoded at CRF 23); each file goes
through `detect_watermark`. False positives: the untouched clips (whole), their unmarked outputs at CRF 23 (same
processing, no mark), and those converted to 30 fps. Cost: PSNR of the marked frames against the unmarked ones, over
the pixels the mark changed and over the box around them. Needs LATENTSYNC_DATA (or ../shared/data).
"""
import argparse, subprocess, tempfile, time
from pathlib import Path
import numpy as np
from _util import table, save


def _psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def main(seconds, clips):
    import soundfile as sf
    from latentsync.core import sample_data
    from latentsync.audio import load_audio, ffmpeg_exe
    from latentsync.video import VideoWriter
    from latentsync.pipeline import sync_frames, load_models
    from latentsync.provenance import detect_watermark
    tmp = Path(tempfile.mkdtemp(prefix="latentsync watermark bench "))
    models = load_models("tiny", device="cpu")
    ff = lambda *a: subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *map(str, a)], check=True)
    rows, cost = [], []
    for c in clips:
        video = sample_data(f"demo{c}_video.mp4")
        speech = tmp/f"speech {c}.wav"; sf.write(speech, load_audio(sample_data(f"demo{c}_audio.wav"))[: int(seconds * 16000)], 16000)
        out = {}
        for mark in (True, False):
            t0 = time.perf_counter()
            out[mark] = np.stack(list(sync_frames(video, speech, models, steps=1, watermark=mark, progress=False)))
            print(f"clip {c}: sync_frames watermark={mark}: {len(out[mark])} frames in {time.perf_counter() - t0:.0f} s", flush=True)
        changed = (out[True] != out[False]).any(-1)
        ys, xs = np.nonzero(changed.any(0))
        box = (slice(None), slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
        cost.append({"clip": c, "frames": len(changed), "changed px per frame": float(changed.sum((1, 2)).mean()),
                     "PSNR changed px dB": _psnr(out[True][changed], out[False][changed]),
                     "PSNR face box dB": _psnr(out[True][box], out[False][box]),
                     "max |diff|": int(np.abs(out[True].astype(np.int16) - out[False]).max())})
        files = {}
        for crf in (18, 23, 28):
            files[f"marked, CRF {crf}"] = tmp/f"{c} marked crf{crf}.mp4"
            with VideoWriter(files[f"marked, CRF {crf}"], crf=crf) as w: w.write(out[True])
        for crf in (23, 28):
            files[f"marked, CRF {crf} -> 30 fps"] = tmp/f"{c} marked crf{crf} 30fps.mp4"
            ff("-i", files[f"marked, CRF {crf}"], "-vf", "fps=30", "-c:v", "libx264", "-crf", "23", files[f"marked, CRF {crf} -> 30 fps"])
        files["unmarked output, CRF 23"] = tmp/f"{c} unmarked.mp4"
        with VideoWriter(files["unmarked output, CRF 23"], crf=23) as w: w.write(out[False])
        files["unmarked output -> 30 fps"] = tmp/f"{c} unmarked 30fps.mp4"
        ff("-i", files["unmarked output, CRF 23"], "-vf", "fps=30", "-c:v", "libx264", "-crf", "23", files["unmarked output -> 30 fps"])
        files["untouched sample clip"] = video
        for name, f in files.items():
            r = detect_watermark(f)
            rows.append({"clip": c, "video": name, "carries the mark": name.startswith("marked"), "score": r.score,
                         "found": r.marked, "seconds": r.seconds})
            print(f"clip {c}: {name}: {r}", flush=True)
    print()
    table(rows, ["clip", "video", "carries the mark", "score", "found", "seconds"])
    marked = [r for r in rows if r["carries the mark"]]; clean = [r for r in rows if not r["carries the mark"]]
    print(f"\ndetection rate: {sum(r['found'] for r in marked)} of {len(marked)} marked videos; false positives: "
          f"{sum(r['found'] for r in clean)} of {len(clean)} unmarked; lowest marked score {min(r['score'] for r in marked):.1f}, "
          f"highest unmarked {max(r['score'] for r in clean):.1f}\n")
    table(cost, ["clip", "frames", "changed px per frame", "PSNR changed px dB", "PSNR face box dB", "max |diff|"])
    save("watermark", {"detection": rows, "cost": cost})


def null_scores(clips, n=200):
    "The score of `n` patterns on each untouched clip, each against 63 of the others: what an unmarked video scores."
    from latentsync.core import sample_data
    from latentsync.video import VideoReader
    import latentsync.provenance as P
    allz = []
    for c in clips:
        r = VideoReader(sample_data(f"demo{c}_video.mp4"), fps=None); det = P.WatermarkDetector()
        for s, ch in r.chunks(16):
            for i, f in enumerate(ch): det.add(f, (s + i) / r.info.fps)
        stats = np.array([det._stat(P.watermark_pattern(P.WATERMARK_KEY + 5000 + k)) for k in range(n)])
        z = [(stats[k] - np.delete(stats, k)[:P.DECOYS].mean()) / np.delete(stats, k)[:P.DECOYS].std() for k in range(n)]
        allz += z
        print(f"clip {c}: max {max(z):.2f}, 99th percentile {np.percentile(z, 99):.2f}, mean {np.mean(z):.2f}", flush=True)
    allz = np.array(allz)
    print(f"all {len(allz)}: max {allz.max():.2f}; at least 4: {(allz >= 4).sum()}; at least MARK_Z={P.MARK_Z:g}: {(allz >= P.MARK_Z).sum()}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--clips", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--null", action="store_true", help="only the scores of unmarked clips")
    a = ap.parse_args()
    null_scores(a.clips) if a.null else main(a.seconds, a.clips)
