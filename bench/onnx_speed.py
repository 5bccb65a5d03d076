"""ONNX Runtime against PyTorch (issue 35): export time and sizes, then each network's time on one window, side by side.

    python bench/onnx_speed.py [--models tiny stage2] [--frames 16 4] [--reps 3] [--threads 2] [--pipeline-seconds 1.28]

For each model size (random weights: speed does not depend on the values; `stage2` is the official 256 U-Net with the SD
VAE and Whisper tiny): `latentsync.deploy.export_onnx` (seconds per graph, MiB on disk), then on one window of `--frames`
frames, alternating PyTorch and ONNX Runtime (CPU provider) `--reps` times in one process: one guided U-Net pass (batch 2),
the VAE encode of the masked and the reference faces, the decode, and one 30-second Whisper window; the median of each,
the ratio, and the largest difference between the two outputs. For `tiny` also the whole pipeline (`sync`, 4 DDIM steps,
`--pipeline-seconds` of the 1080x1920 sample) with each back end, per stage. Results: bench/results/onnx.json.
"""
import argparse, json, statistics, sys, tempfile, time, warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _util import table

VAE_OF = {"tiny": "tiny", "stage2": "sd-vae-ft-mse", "stage2_512": "sd-vae-ft-mse"}


def components(m, frames):
    "The four calls of one window, as functions of the models (the same inputs for both back ends)."
    import torch
    g = torch.Generator().manual_seed(0)
    R, r, cfg = m.resolution, m.resolution // 8, m.unet.config
    x = torch.randn(2, 13, frames, r, r, generator=g)
    a = torch.randn(2 * frames, 10 * (m.whisper.n_layers + 1), cfg.cross_attention_dim, generator=g)
    faces = torch.rand(2 * frames, 3, R, R, generator=g) * 2 - 1
    z = torch.randn(frames, 4, r, r, generator=g)
    mel = torch.randn(1, m.whisper.dims.n_mels, 3000, generator=g)
    return {"unet (guided pass)": lambda mm: mm.unet(x, torch.tensor(761), a),
            "vae encode (masked + ref)": lambda mm: mm.vae.encode(faces).latent_dist.parameters,
            "vae decode": lambda mm: mm.vae.decode(z).sample,
            "whisper (30 s window)": lambda mm: mm.whisper(mel)}


def bench_model(name, frames, reps, threads, tmp):
    import torch
    from latentsync.pipeline import load_models
    from latentsync.deploy import export_onnx, load_onnx_models
    torch.set_num_threads(threads)
    m = load_models(name, vae=VAE_OF[name], device="cpu", precision="fp32")
    t0 = time.perf_counter(); man = export_onnx(m, tmp/name, progress=True); export_s = time.perf_counter() - t0
    sizes = {g: round(sum(v["files"].values()) / 2**20, 1) for g, v in man["graphs"].items()}
    print(f"{name}: exported in {export_s:.1f} s {man['export_seconds']}, MiB {sizes}", flush=True)
    o = load_onnx_models(tmp/name, device="cpu", threads=threads)
    rows = []
    with torch.no_grad():
        for stage, fn in components(m, frames).items():
            times = {"torch": [], "onnx": []}
            for k in range(reps + 1):                                  # the first of each is a warm-up, not counted
                for backend, mm in (("torch", m), ("onnx", o)):
                    t = time.perf_counter(); out = fn(mm); dt = time.perf_counter() - t
                    if k: times[backend].append(dt)
                    if backend == "torch": ref = out
                    else: diff = (out - ref).abs().max().item()
            tt, to = statistics.median(times["torch"]), statistics.median(times["onnx"])
            rows.append({"model": name, "stage": stage, "frames": frames, "torch_s": round(tt, 3), "onnx_s": round(to, 3),
                         "onnx_speedup": round(tt / to, 2), "max_diff": f"{diff:.1e}"})
            print(rows[-1], flush=True)
    return rows, {"model": name, "export_s": round(export_s, 1), "per_graph_s": man["export_seconds"], "mib": sizes}


def bench_pipeline(seconds, threads, tmp):
    "The whole dub with each back end (tiny models): per-stage seconds from `sync`'s timings."
    import numpy as np, soundfile as sf, torch
    from latentsync.audio import load_audio
    from latentsync.core import sample_data
    from latentsync.pipeline import load_models, sync
    torch.set_num_threads(threads)
    sf.write(tmp/"speech.wav", load_audio(sample_data("demo2_audio.wav"))[: int(seconds * 16000)], 16000)
    backends = {"torch": load_models("tiny", device="cpu"), "onnx": load_models("tiny", backend="onnx", onnx=tmp/"tiny", device="cpu")}
    rows, frames = [], {}
    for backend, m in list(backends.items()) * 2:                   # twice each, alternating: the second pair is reported
        t = time.perf_counter()
        r = sync(sample_data("demo1_video.mp4"), tmp/"speech.wav", tmp/f"{backend}.mp4", m, steps=4, progress=False, watermark=False)
        row = {"backend": backend, "total_s": round(time.perf_counter() - t, 2), **{k: round(v, 2) for k, v in r.timings.items()}}
        rows.append(row); print(row, flush=True)
    return rows[2:]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="+", default=["tiny", "stage2"])
    ap.add_argument("--frames", type=int, nargs="+", default=[16, 4], help="window length per model (official size: 4 to keep it short)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pipeline-seconds", type=float, default=1.28)
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    out = {"components": [], "exports": [], "pipeline": []}
    with tempfile.TemporaryDirectory(prefix="latentsync onnx bench ") as tmp:
        tmp = Path(tmp)
        for name, frames in zip(a.models, a.frames + a.frames[-1:] * len(a.models)):
            rows, exp = bench_model(name, frames, a.reps, a.threads, tmp)
            out["components"] += rows; out["exports"].append(exp)
            if name == "tiny" and a.pipeline_seconds: out["pipeline"] = bench_pipeline(a.pipeline_seconds, a.threads, tmp)
            elif name != "tiny": import shutil; shutil.rmtree(tmp/name)
    d = Path(__file__).parent/"results"; d.mkdir(exist_ok=True)
    (d/"onnx.json").write_text(json.dumps(out, indent=1))
    table(out["exports"], ["model", "export_s", "per_graph_s", "mib"])
    table(out["components"], ["model", "stage", "frames", "torch_s", "onnx_s", "onnx_speedup", "max_diff"])
    if out["pipeline"]: table(out["pipeline"], list(out["pipeline"][0]))
