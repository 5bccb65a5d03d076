"""TensorRT engines from an ONNX export, and PyTorch against ONNX Runtime CUDA against TensorRT on one window (issue 35).

    python bench/trt_engines.py build EXPORT_DIR [--fp16] [--frames 16]                  # EXPORT_DIR/trt/NAME.plan
    python bench/trt_engines.py bench EXPORT_DIR [--reps 10]                              # needs CUDA

`build` parses each graph of an export folder (`latentsync export SOURCE --onnx DIR`) with TensorRT's ONNX parser and
builds a serialized engine with one optimisation profile per graph: the U-Net for batch 1..2 (guided or not) and windows
of 1..`--frames` frames (optimised for 2 x 16), the VAE for 1..2·frames images, Whisper for 1..4 windows; `--fp16` lets
TensorRT pick half-precision kernels. `bench` times one guided U-Net pass, the VAE encode of a window's masked and
reference faces, its decode and one Whisper window with PyTorch (float16 on CUDA, as `load_models` gives it), ONNX
Runtime's CUDA provider (where onnxruntime-gpu is installed) and the TensorRT engines (where `tensorrt` is installed),
each after warm-ups, with CUDA events; and the largest difference from PyTorch float32. Results: bench/results/tensorrt.json.
Without a GPU, or without the packages, each missing part says so in one line and the rest runs (`bench/gpu.py` calls
this file in its one command).
"""
import argparse, json, statistics, sys, time
from pathlib import Path

PROFILES = {   # graph -> input -> (min, opt, max) shapes; F = window frames, r = latent size, R = resolution
    "unet": lambda man, F: {"sample": ((1, 13, 1, *man["r2"]), (2, 13, F, *man["r2"]), (2, 13, F, *man["r2"])),
                            "timestep": ((), (), ()),
                            "audio": ((1, man["tokens"], man["d"]), (2 * F, man["tokens"], man["d"]), (2 * F, man["tokens"], man["d"]))},
    "vae_encoder": lambda man, F: {"images": ((1, 3, *man["R2"]), (2 * F, 3, *man["R2"]), (2 * F, 3, *man["R2"]))},
    "vae_decoder": lambda man, F: {"latents": ((1, 4, *man["r2"]), (F, 4, *man["r2"]), (2 * F, 4, *man["r2"]))},
    "whisper": lambda man, F: {"mel": ((1, man["n_mels"], 3000), (1, man["n_mels"], 3000), (4, man["n_mels"], 3000))},
}


def sizes(folder):
    from latentsync.deploy import read_manifest
    man = read_manifest(folder)
    R, wd = man["resolution"], man["whisper_dims"]
    return man, {"R2": (R, R), "r2": (R // 8, R // 8), "tokens": 10 * (wd["n_audio_layer"] + 1), "d": man["unet_config"]["cross_attention_dim"],
                 "n_mels": wd["n_mels"]}


def build(folder, fp16=True, frames=16, workspace_gib=8):
    try: import tensorrt as trt
    except ImportError: print("tensorrt: not installed (pip install tensorrt on a CUDA machine): no engines built"); return {}
    folder = Path(folder); man, dims = sizes(folder)
    (folder/"trt").mkdir(exist_ok=True)
    logger, out = trt.Logger(trt.Logger.WARNING), {}
    for name in PROFILES:
        t0 = time.perf_counter()
        builder = trt.Builder(logger)
        network = builder.create_network(1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)) if hasattr(trt.NetworkDefinitionCreationFlag, "EXPLICIT_BATCH") else builder.create_network(0)
        parser = trt.OnnxParser(network, logger)
        if not parser.parse_from_file(str(folder/man["graphs"][name]["file"])):
            raise RuntimeError(f"TensorRT could not parse {name}: " + "; ".join(str(parser.get_error(i)) for i in range(parser.num_errors)))
        config = builder.create_builder_config()
        config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace_gib << 30)
        if fp16: config.set_flag(trt.BuilderFlag.FP16)
        profile = builder.create_optimization_profile()
        for inp, (lo, opt, hi) in PROFILES[name](dims, frames).items(): profile.set_shape(inp, lo, opt, hi)
        config.add_optimization_profile(profile)
        plan = builder.build_serialized_network(network, config)
        if plan is None: raise RuntimeError(f"TensorRT could not build {name}")
        (folder/"trt"/f"{name}.plan").write_bytes(bytes(plan))
        out[name] = {"seconds": round(time.perf_counter() - t0, 1), "mib": round(len(bytes(plan)) / 2**20, 1)}
        print(f"tensorrt {name}: {out[name]}", flush=True)
    return out


class Engine:
    "A TensorRT engine run on torch CUDA tensors (inputs and outputs by name)."
    def __init__(self, path):
        import tensorrt as trt
        self.trt = trt
        self.engine = trt.Runtime(trt.Logger(trt.Logger.WARNING)).deserialize_cuda_engine(Path(path).read_bytes())
        self.context = self.engine.create_execution_context()
        self.names = [self.engine.get_tensor_name(i) for i in range(self.engine.num_io_tensors)]

    def __call__(self, **inputs):
        import torch
        trt, ctx, outs = self.trt, self.context, {}
        for n, x in inputs.items():
            inputs[n] = x = x.contiguous().float()
            ctx.set_input_shape(n, tuple(x.shape)); ctx.set_tensor_address(n, x.data_ptr())
        for n in self.names:
            if self.engine.get_tensor_mode(n) == trt.TensorIOMode.OUTPUT:
                outs[n] = torch.empty(tuple(ctx.get_tensor_shape(n)), device="cuda", dtype=torch.float32)
                ctx.set_tensor_address(n, outs[n].data_ptr())
        ctx.execute_async_v3(torch.cuda.current_stream().cuda_stream)
        return next(iter(outs.values()))


def bench(folder, reps=10):
    import torch
    folder = Path(folder); man, dims = sizes(folder)
    if not torch.cuda.is_available(): print("bench: no CUDA device here: nothing timed"); return []
    from latentsync.pipeline import load_models
    from latentsync.deploy import load_onnx_models
    spec = dict(unet=man["source"]["unet"], whisper=man["source"].get("whisper"), vae=man["source"].get("vae"), device="cuda")
    ref32, half = load_models(**spec, precision="fp32"), load_models(**spec, precision="fp16")
    F, g = 16, torch.Generator(device="cuda").manual_seed(0)
    r, R = dims["r2"][0], dims["R2"][0]
    x = torch.randn(2, 13, F, r, r, device="cuda", generator=g)
    a = torch.randn(2 * F, dims["tokens"], dims["d"], device="cuda", generator=g)
    faces = torch.rand(2 * F, 3, R, R, device="cuda", generator=g) * 2 - 1
    z = torch.randn(F, 4, r, r, device="cuda", generator=g)
    mel = torch.randn(1, dims["n_mels"], 3000, device="cuda", generator=g)
    t = torch.tensor(761.0, device="cuda")
    calls = {"torch": lambda m: {"unet": lambda: m.unet(x.to(m.dtype), t, a.to(m.dtype)),
                                 "vae_encoder": lambda: m.vae.encode(faces.to(m.dtype)).latent_dist.parameters,
                                 "vae_decoder": lambda: m.vae.decode(z.to(m.dtype)).sample, "whisper": lambda: m.whisper(mel.to(m.dtype))}}
    backends = {"torch fp32": calls["torch"](ref32), "torch fp16": calls["torch"](half)}
    try:
        o = load_onnx_models(folder, device="cuda")
        backends["onnxruntime cuda"] = {"unet": lambda: o.unet(x, t, a), "vae_encoder": lambda: o.vae.encode(faces).latent_dist.parameters,
                                        "vae_decoder": lambda: o.vae.decode(z).sample, "whisper": lambda: o.whisper(mel)}
    except Exception as e: print(f"onnxruntime cuda: not run ({e})")
    if (folder/"trt"/"unet.plan").exists():
        try:
            eng = {n: Engine(folder/"trt"/f"{n}.plan") for n in PROFILES}
            backends["tensorrt"] = {"unet": lambda: eng["unet"](sample=x, timestep=t, audio=a), "vae_encoder": lambda: eng["vae_encoder"](images=faces),
                                    "vae_decoder": lambda: eng["vae_decoder"](latents=z), "whisper": lambda: eng["whisper"](mel=mel)}
        except Exception as e: print(f"tensorrt: not run ({e})")
    else: print("tensorrt: no engines (run `python bench/trt_engines.py build DIR` first)")
    rows = []
    with torch.no_grad():
        refs = {n: f().float() for n, f in backends["torch fp32"].items()}
        for backend, fns in backends.items():
            for n, f in fns.items():
                for _ in range(3): f()
                torch.cuda.synchronize(); ms = []
                for _ in range(reps):
                    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                    s.record(); y = f(); e.record(); torch.cuda.synchronize(); ms.append(s.elapsed_time(e))
                diff = (y.to(refs[n].device).float() - refs[n]).abs().max().item()
                rows.append({"backend": backend, "graph": n, "ms": round(statistics.median(ms), 2), "max_diff_vs_fp32": f"{diff:.2e}"})
                print(rows[-1], flush=True)
    base = {r["graph"]: r["ms"] for r in rows if r["backend"] == "torch fp16"}
    for r in rows: r["speedup_vs_torch_fp16"] = round(base[r["graph"]] / r["ms"], 2)
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["build", "bench"])
    ap.add_argument("folder")
    ap.add_argument("--fp16", action="store_true")
    ap.add_argument("--frames", type=int, default=16)
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    res = build(a.folder, a.fp16, a.frames) if a.what == "build" else bench(a.folder, a.reps)
    d = Path(__file__).parent/"results"; d.mkdir(exist_ok=True)
    (d/f"tensorrt_{a.what}.json").write_text(json.dumps(res, indent=1))
