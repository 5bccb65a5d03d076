"""GPU checks and benchmarks (CUDA): the official fixtures on the GPU, U-Net speed, the whole lip-sync pipeline and
training steps at the official sizes. Needs a CUDA device; nothing here runs in the test suite.

    python bench/gpu.py record-faces --data DIR            # on a machine with mediapipe: store the face landmarks
    python bench/gpu.py run --data DIR [--out OUT] [--only fixtures speed onnx pipeline unet train]
    python bench/gpu.py run --data DIR --smoke --out /tmp/gpu-smoke   # the same code on the CPU at tiny sizes

DIR has the layout of the shared folder (`DIR/data/demo1_video.mp4`, `DIR/data/demo1_audio.wav`,
`DIR/data/demo2_audio.wav`, `DIR/fixtures/official/{unet,whisper}_*.pt`). `record-faces` runs the face mesh over the
clip's first frames on the CPU and stores what it found in `DIR/faces.npz`; `run` replays those landmarks when the
file is there (face tracking is CPU work, tested on the CPU; the GPU machine need not carry mediapipe). Without
an ffmpeg binary, 16 kHz mono WAV files are read with soundfile instead (the same samples).

Sections (each reports its own error instead of stopping the others):
- fixtures: the official U-Net forward, the DDIM+CFG loop and the Whisper features computed on the GPU in float32 (the
  CPU tolerances apply), and the U-Net in float16/bfloat16 against float32 (the `#| cuda` cell of 06_unet).
- unet: one 16-frame window with classifier-free guidance (batch 2) at the official 256 and 512 sizes, fp16 and bf16:
  milliseconds per forward, peak GPU memory, U-Net frames per second at 20 DDIM steps.
- speed: issue 34's table on CUDA: `sync_frames` on the same 64 frames with the official-size 256 U-Net and the SD VAE
  (random weights) in every mode of `bench/speed.py` (exact: the default options, host work overlapped on CUDA;
  serial: exact with the steps one after another; DeepCache, guidance in the first half, DPM-Solver++ in 10 steps, the fast and fastest
  presets, bfloat16, torch.compile, and torch.compile with CUDA graphs): seconds, frames per second, ratio to exact, seconds per
  stage, peak GPU memory, and the largest pixel difference from exact mode's frames (0 for the exact levers).
- onnx: issue 35 on CUDA: the official-size 256 U-Net, SD VAE and Whisper (random weights) exported to ONNX (seconds,
  MiB), TensorRT fp16 engines built from the graphs (`bench/trt_engines.py build`, where `tensorrt` is installed), and one
  16-frame window (guided U-Net pass, VAE encode and decode, a Whisper window) through PyTorch fp32 and fp16, ONNX
  Runtime's CUDA provider (where onnxruntime-gpu is installed) and the engines: milliseconds, speed-up against PyTorch
  fp16, largest difference from fp32. A part whose package is missing says so and the rest runs.
- pipeline: `sync_frames` on 2.56 s of the sample clip (64 frames, four windows) with the tiny models and with the official sizes
  (random weights), fp16: frames per second, seconds per stage, peak GPU memory, and two checks (same seed, same
  frames; frames outside the face are the source's).
- train: one optimisation step (VAE encoding, noise loss, stage 2's decoded x0 with SyncNet, LPIPS and TREPA on
  VideoMAE-v2 ViT-g, backward, AdamW) at the presets' batch sizes, with the presets' mixed precision through
  accelerate: seconds per step and peak GPU memory.
Random weights throughout: speed does not depend on their values.
"""
import argparse, json, os, shutil, time, traceback
from pathlib import Path

import numpy as np

SECTIONS = ("fixtures", "speed", "onnx", "pipeline", "unet", "train")
N_FRAMES = 64                                           # 2.56 s at 25 fps: four 16-frame windows


def _setup(data: Path):
    os.environ.setdefault("LATENTSYNC_DATA", str(data/"data"))
    if not shutil.which("ffmpeg") and not os.environ.get("LATENTSYNC_FFMPEG"):
        try: import imageio_ffmpeg  # noqa: F401
        except ImportError: _read_wav_without_ffmpeg()


def _read_wav_without_ffmpeg():
    "No ffmpeg here: read 16 kHz mono WAV files with soundfile (what ffmpeg would decode them to)."
    import soundfile as sf, latentsync.audio as A, latentsync.pipeline as P
    def load_audio(path, sr=A.SAMPLE_RATE):
        y, rate = sf.read(str(path), dtype="float32", always_2d=True)
        if rate != sr: raise ValueError(f"{path}: {rate} Hz; without ffmpeg only {sr} Hz WAV files can be read")
        return y.mean(1)
    A.load_audio = P.load_audio = load_audio
    print("no ffmpeg binary: WAV files are read with soundfile")


DEV = "cuda"                     # --smoke: "cpu" with the tiny sizes, to check this script where there is no GPU
SIZES = {"speed": ("stage2", "sd-vae-ft-mse"), "unet": ("stage2", "stage2_512"), "pipeline": (("tiny", "tiny"), ("stage2", "sd-vae-ft-mse"), ("stage2_512", "sd-vae-ft-mse")),
         "train": ("stage1", "stage2", "stage2_512"), "onnx": ("stage2", "sd-vae-ft-mse")}
SMOKE = {"speed": ("tiny", "tiny"), "unet": ("tiny",), "pipeline": (("tiny", "tiny"),), "train": ("tiny1", "tiny2"), "onnx": ("tiny", "tiny")}
STEPS = 20                       # DDIM steps in the pipeline section (--smoke: 2)


def _sync():
    import torch
    if DEV == "cuda": torch.cuda.synchronize()


def _peak_gib():
    import torch; return torch.cuda.max_memory_allocated() / 2**30 if DEV == "cuda" else float("nan")


def _reset():
    import gc, torch
    gc.collect()
    if DEV == "cuda": torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()


class ReplayFaces:
    "A face detector that returns landmarks recorded earlier by `record_faces`, frame by frame."
    def __init__(self, path):
        z = np.load(path)
        self.counts, self.lms, self.boxes, self.pts = z["counts"], z["landmarks"], z["boxes"], z["points3"]
        self.reset()
    def reset(self): self.k, self.j = 0, 0
    def __call__(self, frame):
        from latentsync.face import Face
        if self.k >= len(self.counts): raise IndexError("more frames than were recorded: run record-faces with more frames")
        n = int(self.counts[self.k]); self.k += 1
        out = [Face(self.lms[i], self.boxes[i], self.pts[i]) for i in range(self.j, self.j + n)]
        self.j += n
        return out


def record_faces(data: Path, frames: int = N_FRAMES + 8):
    from latentsync.face import MediaPipeFaces
    from latentsync.video import VideoReader
    det, reader = MediaPipeFaces(), VideoReader(data/"data"/"demo1_video.mp4")
    counts, lms, boxes, pts = [], [], [], []
    for _, chunk in reader.chunks(32, stop=min(frames, len(reader))):
        for f in chunk:
            found = det(f); counts.append(len(found))
            for face in found: lms.append(face.landmarks); boxes.append(face.bbox); pts.append(face.points3)
    np.savez_compressed(data/"faces.npz", counts=np.array(counts), landmarks=np.array(lms), boxes=np.array(boxes),
                        points3=np.array(pts))
    print(f"{len(counts)} frames, {sum(counts)} faces -> {data/'faces.npz'}")


def fixtures(data: Path):
    import torch
    from latentsync.unet import UNetConfig, LatentSyncUNet
    from latentsync.diffusion import make_scheduler
    from latentsync.sampling import denoise
    from latentsync.audio import load_audio_encoder, whisper_features, load_audio
    fx, dev, out = data/"fixtures"/"official", torch.device(DEV), {}
    ref = torch.load(fx/"unet_io.pt", weights_only=False)
    cfg = UNetConfig.from_official(ref["config"])
    unet = LatentSyncUNet(cfg).eval(); unet.load_state_dict(torch.load(fx/"unet_checkpoint.pt", weights_only=True)["state_dict"])
    unet = unet.to(dev); fw = ref["forward"]
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False     # float32 means float32 here
    with torch.no_grad():
        o32 = unet(fw["sample"].to(dev), fw["timestep"], fw["audio"].to(dev))
        out["unet_forward_fp32_max_abs_diff"] = (o32.cpu() - fw["output"]).abs().max().item()
        loop = ref["ddim_cfg"]; sch = make_scheduler(loop["scheduler_config"])
        final = denoise(unet, sch, *(loop[k].to(dev) for k in ("initial_latents", "mask", "masked_image_latents",
                        "ref_latents", "audio")), steps=loop["steps"], guidance=loop["guidance_scale"])
        out["ddim_cfg_fp32_max_abs_diff"] = (final.cpu() - loop["final_latents"]).abs().max().item()
        wref = torch.load(fx/"whisper_io.pt", weights_only=False)
        enc = load_audio_encoder(fx/"whisper_checkpoint.pt", device=dev)
        feats = whisper_features(load_audio(data/"data"/wref["audio_file"]), enc)
        out["whisper_fp32_max_abs_diff"] = (feats.float().cpu() - wref["features"]).abs().max().item()
        for dt in (torch.float16, torch.bfloat16):                 # last: the cast changes the weights
            o = unet.to(dt)(fw["sample"].to(dev, dt), fw["timestep"], fw["audio"].to(dev, dt)).float()
            out[f"unet_forward_{str(dt)[6:]}_rel_err_vs_fp32"] = ((o - o32).norm() / o32.norm()).item()
            out[f"unet_forward_{str(dt)[6:]}_finite"] = bool(torch.isfinite(o).all())
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    out["pass"] = (out["unet_forward_fp32_max_abs_diff"] <= 1e-4 and out["ddim_cfg_fp32_max_abs_diff"] <= 1e-4
                   and out["whisper_fp32_max_abs_diff"] <= 1e-4 and out["unet_forward_float16_rel_err_vs_fp32"] < 0.05
                   and out["unet_forward_bfloat16_rel_err_vs_fp32"] < 0.05)
    return out


def unet_speed(data: Path, repeats: int = 5):
    import torch
    from latentsync.unet import LatentSyncUNet, UNET_PRESETS
    rows = []
    for name in SIZES["unet"]:
        cfg = UNET_PRESETS[name]; lat = cfg.resolution // 8
        for dt in (torch.float16, torch.bfloat16):
            _reset()
            unet = LatentSyncUNet(cfg).to(DEV, dt).eval()
            x = torch.randn(2, 13, 16, lat, lat, device=DEV, dtype=dt)
            a = torch.randn(2, 16, 50, cfg.cross_attention_dim, device=DEV, dtype=dt)
            times = []
            with torch.no_grad():
                for k in range(repeats + 2):
                    _sync(); t0 = time.perf_counter(); unet(x, 500, a); _sync()
                    if k >= 2: times.append(time.perf_counter() - t0)
            ms = 1000 * float(np.median(times))
            rows.append({"config": name, "dtype": str(dt)[6:], "latent": f"2x13x16x{lat}x{lat}", "forward_ms": ms,
                         "unet_fps_20_steps": 16 / (20 * ms / 1000), "peak_gib": _peak_gib()})
            del unet
    return rows


def pipeline(data: Path):
    import soundfile as sf
    from latentsync.pipeline import sync_frames, load_models
    from latentsync.audio import load_audio
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))/"latentsync_gpu"; tmp.mkdir(exist_ok=True)
    wav = tmp/"speech.wav"
    sf.write(wav, load_audio(data/"data"/"demo1_audio.wav")[:N_FRAMES * 640], 16000)
    detector = ReplayFaces(data/"faces.npz") if (data/"faces.npz").exists() else None    # else mediapipe, live
    from latentsync.video import VideoReader
    src = VideoReader(data/"data"/"demo1_video.mp4").get(np.arange(N_FRAMES))
    rows = []
    for unet, vae in SIZES["pipeline"]:
        _reset()
        models = load_models(unet, vae=vae, device=DEV)
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            stream = sync_frames(data/"data"/"demo1_video.mp4", wav, models, steps=STEPS, detector=detector, progress=False)
            frames = np.stack(list(stream)); _sync()
            runs.append((time.perf_counter() - t0, frames, stream))
        (t, frames, stream), (t2, frames2, _) = runs
        res = stream.result
        changed = np.abs(frames.astype(np.int16) - src[:len(frames)].astype(np.int16)).max(-1) > 0   # (n, h, w)
        rows.append({"unet": unet, "vae": vae, "dtype": str(models.dtype)[6:], "steps": STEPS, "frames": len(frames),
                     "seconds_first": t, "seconds_second": t2, "fps": len(frames) / t2, "peak_gib": _peak_gib(),
                     "same_seed_same_frames": bool((frames == frames2).all()),
                     "max_diff_between_runs": int(np.abs(frames.astype(np.int16) - frames2).max()),
                     "share_of_pixels_changed": float(changed.mean()),
                     "timings": res.timings})
        del models
    return rows


SPEED_MODES = ("exact", "serial", "deepcache", "cfg-half", "dpm10", "fast", "fastest", "bf16", "compile", "compile-graphs")


def speed(data: Path):
    "Every speed mode of bench/speed.py on the official-size 256 model (random weights), side by side in one sitting."
    import soundfile as sf
    from speed import mode
    from latentsync.pipeline import sync_frames, load_models
    from latentsync.audio import load_audio
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))/"latentsync_gpu"; tmp.mkdir(exist_ok=True)
    wav = tmp/"speech.wav"
    sf.write(wav, load_audio(data/"data"/"demo1_audio.wav")[:N_FRAMES * 640], 16000)
    detector = ReplayFaces(data/"faces.npz") if (data/"faces.npz").exists() else None
    unet, vae = SIZES["speed"]
    rows, exact = [], None
    for name in SPEED_MODES:
        try:
            changes, precision = mode("exact" if name.startswith("compile") or name == "serial" else name)
            if name == "serial": changes = {"overlap": False}
            compile = {"compile": True, "compile-graphs": "reduce-overhead"}.get(name, False)
            _reset()
            models = load_models(unet, vae=vae, device=DEV, precision=precision, compile=compile)
            opts = {"steps": STEPS, **changes}
            if name.startswith("compile"):                              # compile on a first run, then time a second
                if detector is not None: detector.reset()
                t0 = time.perf_counter(); list(sync_frames(data/"data"/"demo1_video.mp4", wav, models, detector=detector,
                                                          progress=False, **opts)); _sync()
                first = time.perf_counter() - t0
            if detector is not None: detector.reset()
            t0 = time.perf_counter()
            stream = sync_frames(data/"data"/"demo1_video.mp4", wav, models, detector=detector, progress=False, **opts)
            frames = np.stack(list(stream)); _sync()
            t = time.perf_counter() - t0
            if exact is None: exact = (t, frames)
            row = {"mode": name, "dtype": str(models.dtype)[6:], "steps": opts["steps"], "frames": len(frames), "seconds": t,
                   "fps": len(frames) / t, "speedup": exact[0] / t, "peak_gib": _peak_gib(),
                   "max_diff_vs_exact": int(np.abs(frames.astype(np.int16) - exact[1]).max()), "timings": stream.result.timings}
            if name.startswith("compile"): row["first_run_s"] = first
        except Exception as e: row = {"mode": name, "error": f"{type(e).__name__}: {str(e)[:300]}"}
        rows.append(row); print(json.dumps(row, default=str), flush=True)
        models = None
    return rows


def onnx(data: Path):
    """Issue 35 on CUDA: the official-size 256 models exported to ONNX, TensorRT fp16 engines built from them (where
    `tensorrt` is installed), and one window through PyTorch fp32/fp16, ONNX Runtime CUDA (onnxruntime-gpu) and TensorRT."""
    return _onnx(data)


def _onnx(data: Path):
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("tensorrt_bench", Path(__file__).parent/"trt_engines.py")
    tensorrt_bench = importlib.util.module_from_spec(spec); sys.modules["tensorrt_bench"] = tensorrt_bench; spec.loader.exec_module(tensorrt_bench)
    from latentsync.pipeline import load_models
    from latentsync.deploy import export_onnx
    unet, vae = SIZES["onnx"]
    folder = Path(os.environ.get("TMPDIR", "/tmp"))/"latentsync_gpu"/f"onnx {unet}"
    t0 = time.perf_counter()
    man = export_onnx(load_models(unet, vae=vae, device=DEV, precision="fp32"), folder, source={"unet": unet, "vae": vae}, progress=False)
    out = {"export_s": time.perf_counter() - t0, "mib": {g: sum(v["files"].values()) / 2**20 for g, v in man["graphs"].items()}}
    if DEV == "cuda":
        out["engines"] = tensorrt_bench.build(folder, fp16=True)
        out["window"] = tensorrt_bench.bench(folder, reps=10)
    return out


def _train_step(name):
    import torch
    from accelerate import Accelerator
    from latentsync.train_stage1 import TRAIN_PRESETS, encode_batch, noise_loss, set_trainable
    from latentsync.train_stage2 import PixelLosses
    from latentsync.diffusion import load_vae, make_scheduler
    from latentsync.unet import LatentSyncUNet
    from latentsync.syncnet import StableSyncNet
    from latentsync.losses import load_lpips, load_trepa
    cfg, tiny = TRAIN_PRESETS[name], name.startswith("tiny")
    acc = Accelerator(mixed_precision=cfg.mixed_precision, cpu=DEV == "cpu")
    unet = LatentSyncUNet(cfg.unet).train()
    if cfg.gradient_checkpointing: unet.enable_gradient_checkpointing()
    n_train, n_all = set_trainable(unet, cfg.trainable)
    vae = load_vae("tiny" if tiny else "sd-vae-ft-mse", DEV)
    losses = PixelLosses(StableSyncNet("tiny" if tiny else "stable_syncnet").to(DEV), load_lpips(random_trunk=True).to(DEV),
                         load_trepa(preset="tiny" if tiny else "vit-g-14").to(DEV)) if cfg.pixel_losses else None
    opt = torch.optim.AdamW([p for p in unet.parameters() if p.requires_grad], lr=cfg.lr)
    unet, opt = acc.prepare(unet, opt)
    B, R, F_ = cfg.batch_size, cfg.resolution, cfg.num_frames
    batch = {"gt": torch.rand(B, F_, 3, R, R, device=DEV) * 2 - 1, "ref": torch.rand(B, F_, 3, R, R, device=DEV) * 2 - 1,
             "mask": torch.ones(B, F_, 1, R, R, device=DEV), "audio": torch.randn(B, F_, 50, 384, device=DEV),
             "mel": torch.randn(B, 1, 80, 52, device=DEV)}
    batch["masked"] = batch["gt"] * batch["mask"]
    sched, times = make_scheduler(), []
    for k in range(4):
        _sync(); t0 = time.perf_counter()
        with acc.autocast():
            lat = encode_batch(vae, batch)
            out = noise_loss(unet, sched, lat, batch["audio"])
            loss = out["recon"] + (sum(cfg.loss_weights[k2] * v for k2, v in losses(batch, out, lat, vae, sched).items())
                                   if losses else 0)
        acc.backward(loss); opt.step(); opt.zero_grad(); _sync()
        if k: times.append(time.perf_counter() - t0)
    s = float(np.median(times))
    return {"config": name, "batch": B, "res": R, "frames": F_, "mixed_precision": cfg.mixed_precision,
            "checkpointing": cfg.gradient_checkpointing, "trainable_M": n_train / 1e6, "params_M": n_all / 1e6,
            "step_s": s, "clips_per_s": B / s, "peak_gib": _peak_gib(), "loss_finite": bool(torch.isfinite(loss))}


def train(data: Path):
    rows = []
    for name in SIZES["train"]:
        _reset()
        try: rows.append(_train_step(name))
        except Exception as e: rows.append({"config": name, "error": f"{type(e).__name__}: {str(e)[:300]}"})
    return rows


def run(data: Path, out: Path, only):
    import torch
    _setup(data)
    report = {"torch": torch.__version__, "device": torch.cuda.get_device_name() if DEV == "cuda" else "cpu (smoke test)",
              "cuda": torch.version.cuda}
    print(json.dumps(report))
    fns = {"fixtures": fixtures, "speed": speed, "onnx": onnx, "unet": unet_speed, "pipeline": pipeline, "train": train}
    for name in only:
        t0 = time.perf_counter()
        try: report[name] = fns[name](data)
        except Exception as e:
            traceback.print_exc(); report[name] = {"error": f"{type(e).__name__}: {e}"}
        print(f"== {name} ({time.perf_counter() - t0:.0f} s)\n{json.dumps(report[name], indent=1, default=str)}", flush=True)
        out.mkdir(parents=True, exist_ok=True)
        (out/"gpu.json").write_text(json.dumps(report, indent=1, default=str))     # after each section: kept if killed
    return report


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["run", "record-faces"])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent/"results")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    ap.add_argument("--smoke", action="store_true", help="on the CPU with tiny sizes: check the script, not the GPU")
    a = ap.parse_args()
    if a.smoke: DEV, SIZES, STEPS = "cpu", SMOKE, 2
    if a.what == "record-faces": record_faces(a.data)
    else: run(a.data, a.out, a.only)
