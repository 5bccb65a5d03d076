"""Where the time of a dub goes, and what each speed lever buys (issue 34).

    python bench/speed.py profile [--model tiny|stage2|stage2_512] [--seconds 0.64] [--steps 20] [--video demo1_video.mp4]
    python bench/speed.py modes   [--model tiny|stage2] [--seconds 0.64] [--modes exact deepcache dpm10 ...]
    python bench/speed.py quality [--jobs 4] [--modes ...]          # on the shipped world model: what each mode costs in quality
    (a mode written `fast@fp32` is the mode `fast` with the models in that precision)

`profile`: one run of `sync` (random weights of the named sizes: the speed of a network does not depend on its values) on
the 1080x1920 sample, each stage's seconds (read, faces, align, VAE encode, U-Net, VAE decode, paste-back, mark, encode),
seconds of compute per second of output video, frames per second and peak memory (a fresh process per run). Beside each
model stage: its FLOPs per frame, counted with torch's FlopCounterMode on one window, and the FLOP/s it reached.
`modes`: the same run for every mode of `MODES`, side by side, one after the other in one sitting; ratios against `exact`.
`quality`: every mode on the shipped world model over held-out demo jobs (`synthetic.demo_job`): read-back r with the target
speech, SyncNet confidence, and the face's PSNR and LPIPS (real VGG) against the exact mode's frames.
Results: bench/results/speed_<what>_<model>.json.
"""
import argparse, json, sys, time, warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _util import isolated, table

# each mode: SyncOptions changes, and the models' precision ("auto": float32 on a CPU, float16 on CUDA)
MODES = {
    "exact": ({}, "auto"),
    "overlap": ({"overlap": True}, "auto"),   # exact, host work in threads beside the model work (the default on CUDA only)
    "deepcache": ({"deep_cache": 3}, "auto"),
    "cfg-half": ({"guidance_until": 0.5}, "auto"),
    "dpm10": ({"sampler": "dpm++", "steps": 10}, "auto"),
    "bf16": ({}, "bf16"),
    # candidates measured for a faster preset (issue 34); the one chosen is `fastest`
    "dpm8-cfg1/4-dc3": ({"sampler": "dpm++", "steps": 8, "guidance_until": 0.25, "deep_cache": 3}, "auto"),
    "dpm6-nocfg-dc3": ({"sampler": "dpm++", "steps": 6, "guidance": 1.0, "deep_cache": 3}, "auto"),
    "dpm4-cfg1/4-dc2": ({"sampler": "dpm++", "steps": 4, "guidance_until": 0.25, "deep_cache": 2}, "auto"),
    "fast": (None, None),            # the `fast` preset of latentsync.options.SPEED_PRESETS
    "fastest": (None, None),         # the `fastest` preset
    "compile": ({}, "auto"),         # exact, the U-Net through torch.compile (load_models(compile=True)); its compile time included
}


def mode(name):
    "A mode's (SyncOptions changes, precision); `name@fp32` (or `@bf16`, ...): mode `name` with that precision instead."
    from latentsync.options import SPEED_PRESETS
    if "@" in name:
        base, precision = name.split("@")
        return mode(base)[0], precision
    if MODES[name] == (None, None): return dict(SPEED_PRESETS[name]["options"]), SPEED_PRESETS[name]["precision"]
    return MODES[name]


VAE_OF = {"tiny": "tiny", "stage2": "sd-vae-ft-mse", "stage2_512": "sd-vae-ft-mse"}


def flops_per_frame(models, steps_opts) -> dict:
    "FLOPs per generated frame of one VAE encode (masked + reference), one U-Net pass (batch 1, 16 frames) and one decode."
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from latentsync.diffusion import vae_encode, vae_decode
    R, f = models.resolution, 16
    x = torch.zeros(f, 3, R, R, dtype=models.dtype)
    out = {}
    with torch.no_grad():
        with FlopCounterMode(display=False) as fc: z = vae_encode(models.vae, x, sample=False)
        out["vae_encode"] = 2 * fc.get_total_flops() / f                       # masked and reference frames
        lat = torch.zeros(1, 13, f, R // 8, R // 8, dtype=models.dtype)
        aud = torch.zeros(f, 50, models.whisper.dim, dtype=models.dtype)
        with FlopCounterMode(display=False) as fc: models.unet(lat, torch.tensor(500), aud)
        out["unet_pass"] = fc.get_total_flops() / f
        with FlopCounterMode(display=False) as fc: vae_decode(models.vae, z)
        out["vae_decode"] = fc.get_total_flops() / f
    return out


def unet_passes(opts) -> float:
    "U-Net passes per window, in batch-1 equivalents (a guided step is a batch of 2), without DeepCache's savings."
    guided = max(1, round(opts.guidance_until * opts.steps)) if opts.guidance > 1 else 0
    return 2 * guided + (opts.steps - guided)


def run(model, mode_name, seconds, steps, video, threads):
    import numpy as np, soundfile as sf, tempfile, torch
    from latentsync.core import sample_data
    from latentsync.audio import load_audio
    from latentsync.options import SyncOptions
    from latentsync.pipeline import sync, load_models
    warnings.simplefilter("ignore")
    if threads: torch.set_num_threads(threads)
    changes, precision = mode(mode_name)
    tmp = Path(tempfile.mkdtemp())
    sf.write(tmp/"a.wav", np.resize(load_audio(sample_data("demo2_audio.wav")), int(seconds * 16000)), 16000)
    models = load_models(model, vae=VAE_OF[model], device="cpu", precision=precision, compile=mode_name == "compile")
    opts = SyncOptions.of(**{"steps": steps, **changes, "progress": False})
    t0 = time.perf_counter()
    r = sync(sample_data(video), tmp/"a.wav", tmp/"o.mp4", models, opts)
    total = time.perf_counter() - t0
    row = {"model": model, "mode": mode_name, "dtype": str(models.dtype).replace("torch.", ""), "steps": opts.steps,
           "sampler": opts.sampler, "frames": r.frames, "total_s": round(total, 2), "fps": round(r.frames / total, 3),
           "compute_s_per_video_s": round(total / (r.frames / 25), 2)}
    row.update({f"{k}_s": round(v, 2) for k, v in r.timings.items()})
    fl = flops_per_frame(models, opts)
    windows = int(np.ceil(r.frames / 16))
    row["unet_gflop_per_frame"] = round(fl["unet_pass"] * unet_passes(opts) / 1e9, 2)
    row["unet_gflops"] = round(fl["unet_pass"] * unet_passes(opts) * windows * 16 / 1e9 / max(r.timings.get("unet", 1e-9), 1e-9), 1)
    row["vae_gflop_per_frame"] = round((fl["vae_encode"] + fl["vae_decode"]) / 1e9, 2)
    row["vae_gflops"] = round((fl["vae_encode"] + fl["vae_decode"]) * windows * 16 / 1e9 / max(r.timings.get("vae", 1e-9), 1e-9), 1)
    return row


def quality(modes, jobs, steps):
    import numpy as np, tempfile, torch
    from latentsync.pipeline import load_models
    from latentsync.hub import shipped_model
    from latentsync.convert import load_saved_syncnet
    from latentsync.losses import load_lpips
    from latentsync.synthetic import demo_job, mouth_sync
    warnings.simplefilter("ignore")
    judge = load_saved_syncnet(shipped_model("world")/"syncnet").float().eval()
    lp = load_lpips().eval()
    tmp = Path(tempfile.mkdtemp())
    work = [demo_job(tmp/f"job{k}", seed=k) for k in range(jobs)]
    rows, exact = [], None
    for name in modes:
        changes, precision = mode(name)
        models = load_models("world", device="cpu", precision=precision, compile=name == "compile")
        t0 = time.perf_counter()
        res = mouth_sync(models, work, steps=changes.get("steps", steps), syncnet=judge, progress=False, controls=("shuffled",),
                         options={k: v for k, v in changes.items() if k not in ("steps", "guidance")},
                         **({"guidance": changes["guidance"]} if "guidance" in changes else {}))
        row = {"mode": name, "seconds": round(time.perf_counter() - t0, 1), **{k: round(res[k], 4) for k in ("r_target", "r_shuffled", "r_source", "conf_target", "conf_shuffled")}}
        dubs = [d.astype(np.float64) for d in res["dubs"]]
        if exact is None: exact = dubs
        mse = np.mean([((a - b) ** 2).mean() for a, b in zip(dubs, exact)])
        row["psnr_vs_exact"] = round(float(10 * np.log10(255 ** 2 / mse)), 2) if mse > 0 else float("inf")
        t = lambda fr: torch.from_numpy(np.concatenate(fr)).permute(0, 3, 1, 2).float() / 127.5 - 1
        with torch.no_grad(): row["lpips_vs_exact"] = round(float(lp(t(dubs), t(exact)).mean()), 4)
        rows.append(row); print(row, flush=True)
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["profile", "modes", "quality"])
    ap.add_argument("--model", default="tiny", choices=list(VAE_OF))
    ap.add_argument("--modes", nargs="+", default=list(MODES))
    ap.add_argument("--seconds", type=float, default=0.64, help="seconds of speech (0.64: one 16-frame window)")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--video", default="demo1_video.mp4", help="a sample clip (demo1: 1080x1920)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=4, help="quality: held-out demo jobs")
    a = ap.parse_args()
    out = Path(__file__).parent/"results"; out.mkdir(exist_ok=True)
    if a.what == "quality":
        rows = quality(a.modes, a.jobs, a.steps)
        table(rows, list(rows[0]))
    else:
        names = ["exact"] if a.what == "profile" else a.modes
        rows = []
        for name in names:
            r = isolated(run, a.model, name, a.seconds, a.steps, a.video, a.threads)
            if "error" in r: print(name, r["error"], flush=True); continue
            rows.append(r); print(r, flush=True)
        base = next((r for r in rows if r["mode"] == "exact"), None)
        for r in rows:
            if base: r["speedup"] = round(base["total_s"] / r["total_s"], 2); r["unet_speedup"] = round(base["unet_s"] / r["unet_s"], 2)
        table(rows, ["mode", "dtype", "sampler", "steps", "total_s", "fps", "compute_s_per_video_s", "speedup", "unet_speedup",
                     "decode_s", "faces_s", "align_s", "vae_s", "unet_s", "paste_s", "watermark_s", "encode_s", "peak_rss_mib",
                     "unet_gflop_per_frame", "unet_gflops", "vae_gflops"])
    (out/f"speed_{a.what}_{a.model if a.what != 'quality' else 'world'}.json").write_text(json.dumps(rows, indent=1))
