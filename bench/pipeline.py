"""Benchmark: the whole lip-sync pipeline on the CPU - frames per second, time per stage, and peak memory for 10 s and
60 s of audio (the video loops), to show that memory does not grow with length.

    python bench/pipeline.py [--seconds 10 60] [--steps 20] [--unet tiny] [--vae tiny] [--deep-cache] [--threads N]

Random weights (the speed of a network does not depend on its values). With `--unet stage2 --vae sd-vae-ft-mse` the
official 256 U-Net and SD VAE sizes run; on a CPU that is about a minute per DDIM step and window, so use
`--steps 1 --seconds 0.64` there. `--deep-cache` runs the official app's DeepCache schedule (full U-Net every 3rd step).
Each run is a fresh process, so its peak RSS is its own.
"""
import argparse
from _util import isolated, table, save


def run(seconds, steps, unet, vae, deep_cache, threads, video=None):
    import time, tempfile, numpy as np, soundfile as sf, torch
    from pathlib import Path
    from latentsync.core import sample_data
    from latentsync.audio import load_audio
    from latentsync.pipeline import sync, load_models
    torch.set_num_threads(threads)
    tmp = Path(tempfile.mkdtemp())
    speech = load_audio(sample_data("demo2_audio.wav"))
    sf.write(tmp/"a.wav", np.resize(speech, int(seconds * 16000)), 16000)
    models = load_models(unet, vae=vae, device="cpu")
    t0 = time.perf_counter()
    r = sync(video or sample_data("demo1_video.mp4"), tmp/"a.wav", tmp/"o.mp4", models, steps=steps, deep_cache=3 if deep_cache else 0,
             progress=False)
    total = time.perf_counter() - t0
    row = {"unet": unet, "vae": vae, "deep_cache": bool(deep_cache), "input_audio_s": seconds, "steps": steps, "frames": r.frames, "total_s": total, "fps": r.frames / total}
    row.update({f"{k}_s": v for k, v in r.timings.items()})
    return row


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, nargs="+", default=[10, 60])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--unet", default="tiny")
    ap.add_argument("--vae", default="tiny", help="VAE preset: tiny, or sd-vae-ft-mse for the official size")
    ap.add_argument("--deep-cache", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    rows = []
    for s in a.seconds:
        r = isolated(run, s, a.steps, a.unet, a.vae, a.deep_cache, a.threads); r["peak_rss_gib"] = r.pop("peak_rss_mib", 0) / 1024; rows.append(r)
        table([r], list(r))
    print()
    cols = ["unet", "vae", "deep_cache", "input_audio_s", "steps", "frames", "total_s", "fps", "audio_s", "faces_s", "decode_s", "align_s", "vae_s", "unet_s", "paste_s", "encode_s", "peak_rss_gib", "error"]
    table(rows, cols)
    save(f"pipeline_{a.unet}_{a.vae}{'_deepcache' if a.deep_cache else ''}", rows)
