"""Benchmark: our exact mode against the official pipeline's flow, side by side (issue 34's target: 1.5x its frames/s).

The official code is not installed here, and it cannot run on a CPU as it is (its face detector is CUDA-only and
`ImageProcessor(device="cpu")` raises, spec §2.1). So this script rebuilds its flow step by step from the digest
(`../shared/spec/latentsync_official.md` §1.3, §2.1-2.7, §7.3), with the official libraries where they install here:

- read: `ffmpeg -r 25 -crf 18` re-encode into a temporary file, then every frame into RAM with OpenCV (RGB);
- faces, one frame at a time: detect, three points rounded to integers, `transformation_from_points` (torch SVD, the
  nose-bias smoothing), `kornia.geometry.transform.warp_affine` of the whole frame to 210x280 (fill 127), truncation to
  uint8, `cv2.resize` Lanczos to R x R;
- model work per 16-frame window exactly as `sync_frames` does it (the same models, seed, steps, guidance): masked and
  reference VAE encodes (posterior samples), DDIM with guidance, decode, fixed-mask paste-back;
- restore, one frame at a time: torchvision bicubic resize to 210x280, `kornia` inverse warp of the face and of a ones
  mask to the whole frame, `kornia.morphology.erosion`, `cv2.erode`, `kornia.filters.gaussian_blur2d`, blend, truncate;
- write: every output frame stacked in RAM, libx264 at crf 13, then the mux, which encodes the video a second time
  (crf 18, AAC audio).

What differs from the real thing, each in the official side's favour: the detector is ours (MediaPipe; the official
InsightFace SCRFD + 106-landmark models are slower on a CPU), and the warps run in float32 (the official AlignRestore is
float16, which a CPU runs slower). The Whisper features and the models are this package's (the same arithmetic as the
official ones: the end-to-end fixture test). Before timing, the script checks that both sides make the same frames on a
few frames (agreement within 1 grey level over the face boxes is printed), so the two timed runs do the same work.

    pip install kornia==0.9.2
    python bench/official_flow.py [--seconds 2] [--steps 20] [--unet tiny] [--ours torch onnx] [--threads N]

Each timed run is a fresh process (its own peak RSS). `--ours onnx` also times our exact mode on the ONNX back end
(`latentsync.deploy`; exported once into bench/results/, not timed). Results: bench/results/official_flow.json.
"""
import argparse, math, subprocess, sys, tempfile, time, warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _util import isolated, table, save

RESULTS = Path(__file__).parent/"results"


# ---------------------------------------------------------------- the official flow, step by step (spec section in each)
def read_video_official(path, tmp, reencode=True):
    "§7.3 step 4: re-encode to 25 fps at crf 18 into a temporary file, then read every frame into RAM (RGB)."
    import cv2, numpy as np
    from latentsync.audio import ffmpeg_exe
    tmp_video = Path(tmp)/"video.mp4"
    if reencode: subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(path), "-r", "25", "-crf", "18", str(tmp_video)], check=True)
    cap, frames = cv2.VideoCapture(str(tmp_video if reencode else path)), []
    while True:
        ok, f = cap.read()
        if not ok: break
        frames.append(cv2.cvtColor(f, cv2.COLOR_BGR2RGB))
    cap.release()
    return np.stack(frames)


class AlignRestore:
    "§2.3 and §2.7: the official similarity fit with smoothing, the kornia warps, and the feathered paste-back."
    def __init__(self, resolution):
        import torch
        ratio = resolution / 256 * 2.8
        self.template = torch.tensor([[17.0, 20.0], [58.0, 20.0], [37.5, 40.0]]) * ratio
        self.face_size = (int(75 * ratio), int(100 * ratio))        # (w, h)
        self.p_bias = None

    def transformation_from_points(self, points1, points0):
        import torch
        points2 = points0
        c1, c2 = points1.mean(0), points2.mean(0)
        p1, p2 = points1 - c1, points2 - c2
        s1, s2 = p1.std(), p2.std()
        p1, p2 = p1 / s1, p2 / s2
        U, S, V = torch.svd(p1.T @ p2)
        R = V @ U.T
        if torch.det(R) < 0:
            V = V.clone(); V[:, -1] = -V[:, -1]; R = V @ U.T
        sR = (s2 / s1) * R
        T = c2.reshape(2, 1) - (s2 / s1) * R @ c1.reshape(2, 1)
        M = torch.cat((sR, T), 1)
        bias = p2[2] - p1[2]                                        # the nose point, normalised units
        if self.p_bias is not None: bias = 0.2 * self.p_bias + 0.8 * bias
        self.p_bias = bias
        M[:, 2] = M[:, 2] + bias
        return M

    def align_warp_face(self, frame, points):
        import torch, kornia
        M = self.transformation_from_points(torch.as_tensor(points, dtype=torch.float32), self.template)
        img = torch.from_numpy(frame).permute(2, 0, 1)[None].float()
        w, h = self.face_size
        face = kornia.geometry.transform.warp_affine(img, M[None], (h, w), mode="bilinear", padding_mode="fill",
                                                     fill_value=torch.tensor([127.0, 127.0, 127.0]))
        return face[0].permute(1, 2, 0).numpy().astype("uint8"), M

    def restore_img(self, frame, face, M):
        "face: (3, h, w) in [-1, 1] at the crop size; frame: (H, W, 3) uint8. Returns the blended frame, uint8."
        import cv2, numpy as np, torch, kornia
        H, W = frame.shape[:2]
        img = torch.from_numpy(frame).permute(2, 0, 1).float()
        inv_M = kornia.geometry.transform.invert_affine_transform(M[None])
        inv_face = kornia.geometry.transform.warp_affine(face[None].float(), inv_M, (H, W), mode="bilinear", padding_mode="fill",
                                                         fill_value=torch.tensor([127.0, 127.0, 127.0]))[0]
        inv_face = (inv_face / 2 + 0.5).clamp(0, 1) * 255
        w, h = self.face_size
        mask = torch.ones((1, 1, h, w))
        inv_mask = kornia.geometry.transform.warp_affine(mask, inv_M, (H, W), padding_mode="zeros")
        inv_mask_erosion = kornia.morphology.erosion(inv_mask, torch.ones(2, 2))
        pasted = inv_mask_erosion[0] * inv_face
        total = float(inv_mask_erosion.sum())
        w_edge = int(total ** 0.5) // 20
        erosion_radius = w_edge * 2
        center = cv2.erode(inv_mask_erosion[0, 0].numpy(), np.ones((erosion_radius, erosion_radius), np.uint8))
        blur = w_edge * 2 + 1
        sigma = 0.3 * ((blur - 1) * 0.5 - 1) + 0.8
        soft = kornia.filters.gaussian_blur2d(torch.from_numpy(center)[None, None], (blur, blur), (sigma, sigma))[0]
        out = soft * pasted + (1 - soft) * img
        return out.to(torch.uint8).permute(1, 2, 0).numpy()


def affine_transform_video(frames, detector, ar, resolution, round_points=True):
    "§2.1-2.3 per frame: detect, three rounded points, fit and warp, Lanczos resize. Raises where no face is found."
    import cv2, numpy as np
    faces, matrices = [], []
    detector.reset()
    for i, frame in enumerate(frames):
        found = detector(frame)
        if not found: raise RuntimeError(f"Face not detected (frame {i})")
        face = max(found, key=lambda f: f.area)                     # the largest face, no tracking
        crop, M = ar.align_warp_face(frame, np.round(face.points3) if round_points else face.points3)
        faces.append(cv2.resize(crop, (resolution, resolution), interpolation=cv2.INTER_LANCZOS4))
        matrices.append(M)
    return np.stack(faces), matrices


def official_flow(video, audio, out, m, steps, guidance, seed, detector=None, return_frames=False, timings=None, official_inputs=True):
    """The official `__call__` (§7.3) on the CPU, with this package's models `m`. Returns the output frames if asked.
    `official_inputs=False` skips the two steps that change the inputs (the crf-18 re-encode of the video, the rounding
    of the face points), to check that the rest computes what `sync_frames` computes."""
    import numpy as np, soundfile as sf, torch, torch.nn.functional as F
    from torchvision.transforms.functional import resize, InterpolationMode
    from latentsync.audio import load_audio, whisper_features, audio_windows, ffmpeg_exe
    from latentsync.diffusion import make_scheduler
    from latentsync.face import MediaPipeFaces
    from latentsync.pipeline import resolve_mask
    t = timings if timings is not None else {}
    def lap(name, t0): t[name] = t.get(name, 0.0) + time.perf_counter() - t0; return time.perf_counter()
    tmp = Path(tempfile.mkdtemp())
    R = m.resolution
    with torch.no_grad():
        t0 = time.perf_counter()
        torch.manual_seed(seed)
        wave = load_audio(audio)
        feats = whisper_features(wave, m.whisper)
        chunks = audio_windows(feats, len(feats) // 2 + 2)                     # ⌊L/2⌋+2 frames (§1.3)
        t0 = lap("whisper", t0)
        src = read_video_official(video, tmp, reencode=official_inputs)
        t0 = lap("read", t0)
        if len(chunks) > len(src):                                            # loop_video: forward, reversed, forward ...
            loops = math.ceil(len(chunks) / len(src))
            src = np.concatenate([src if i % 2 == 0 else src[::-1] for i in range(loops)])
        frames = src[: len(chunks)]
        ar = AlignRestore(R)
        faces, matrices = affine_transform_video(frames, detector or MediaPipeFaces(), ar, R, round_points=official_inputs)
        t0 = lap("faces+align", t0)
        keep = torch.from_numpy(resolve_mask(None, R))[None, None].float()
        h = R // 8
        latents = torch.randn((1, 4, 1, h, h)).repeat(1, 1, len(chunks), 1, 1)
        sched = make_scheduler(m.scheduler.config); sched.set_timesteps(steps)
        cfg, decoded = guidance > 1, []
        faces_t = torch.from_numpy(faces).permute(0, 3, 1, 2).float()
        for i in range(math.ceil(len(chunks) / 16)):
            t0 = time.perf_counter()
            pixel = (faces_t[i * 16:(i + 1) * 16] / 255 - 0.5) / 0.5
            masked_lat = m.vae.encode(pixel * keep).latent_dist.sample() * 0.18215
            ref_lat = m.vae.encode(pixel).latent_dist.sample() * 0.18215
            cond = torch.cat([F.interpolate(keep, size=(h, h)).expand(len(pixel), -1, -1, -1), masked_lat, ref_lat], 1)
            cond = cond.transpose(0, 1)[None]
            audio_f = chunks[i * 16:(i + 1) * 16]
            if cfg: audio_f, cond = torch.cat([torch.zeros_like(audio_f), audio_f]), torch.cat([cond, cond])
            z = latents[:, :, i * 16:(i + 1) * 16]
            t0 = lap("vae", t0)
            for ts in sched.timesteps:
                eps = m.unet(torch.cat([torch.cat([z, z]) if cfg else z, cond], 1), ts, audio_f)
                if cfg: eps = eps[:1] + guidance * (eps[1:] - eps[:1])
                z = sched.step(eps, ts, z).prev_sample
            t0 = lap("unet", t0)
            dec = m.vae.decode(z[0].transpose(0, 1) / 0.18215).sample
            decoded.append(dec * (1 - keep) + pixel * keep)                   # kept until the end (§7.5), no clamp
            t0 = lap("vae", t0)
        t0 = time.perf_counter()
        w, hh = ar.face_size
        result = []
        for frame, face, M in zip(frames, torch.cat(decoded), matrices):      # restore_video, one frame at a time
            face = resize(face, [hh, w], interpolation=InterpolationMode.BICUBIC, antialias=True)
            result.append(ar.restore_img(frame, face, M))
        result = np.stack(result)                                             # the whole output in RAM
        t0 = lap("paste", t0)
        if out is not None:
            sf.write(tmp/"audio.wav", wave[: int(len(result) / 25 * 16000)], 16000)
            H, W = result.shape[1:3]
            enc = subprocess.Popen([ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{H}",
                                    "-r", "25", "-i", "-", "-c:v", "libx264", "-crf", "13", "-pix_fmt", "yuv420p", str(tmp/"video.mp4")],
                                   stdin=subprocess.PIPE)
            enc.stdin.write(result.tobytes()); enc.stdin.close(); enc.wait()
            subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(tmp/"video.mp4"), "-i", str(tmp/"audio.wav"),
                            "-c:v", "libx264", "-crf", "18", "-c:a", "aac", "-q:v", "0", "-q:a", "0", str(out)], check=True)
            t0 = lap("encode", t0)
    return result if return_frames else len(result)


# ---------------------------------------------------------------- the runs
def _audio(tmp, seconds):
    import numpy as np, soundfile as sf
    from latentsync.audio import load_audio
    from latentsync.core import sample_data
    path = Path(tmp)/"speech.wav"
    sf.write(path, np.resize(load_audio(sample_data("demo2_audio.wav")), int(seconds * 16000)), 16000)
    return path


def _models(unet, backend, threads):
    import torch
    from latentsync.pipeline import load_models
    if threads: torch.set_num_threads(threads)
    vae = "sd-vae-ft-mse" if unet != "tiny" else "tiny"
    if backend == "onnx": return load_models(backend="onnx", onnx=RESULTS/f"onnx-{unet}")
    return load_models(unet, vae=vae, device="cpu")


def plain_attention(unet):
    "The official U-Net attends with diffusers' processor everywhere: undo our null-audio shortcut (06_unet) for its side."
    from diffusers.models.attention_processor import AttnProcessor2_0
    for name, mod in unet.named_modules():
        if name.endswith("attn2"): mod.set_processor(AttnProcessor2_0())


def run(side, unet, seconds, steps, guidance, seed, threads):
    "One timed run in this process: side 'official' (the rebuilt flow) or 'torch' / 'onnx' (our `sync`, exact mode)."
    warnings.simplefilter("ignore")
    from latentsync.core import sample_data
    from latentsync.pipeline import sync
    tmp = Path(tempfile.mkdtemp())
    audio, video = _audio(tmp, seconds), sample_data("demo1_video.mp4")
    m = _models(unet, "torch" if side == "official" else side, threads)
    if side == "official": plain_attention(m.unet)
    t0 = time.perf_counter()
    if side == "official":
        timings = {}
        n = official_flow(video, audio, tmp/"official.mp4", m, steps, guidance, seed, timings=timings)
    else:
        r = sync(video, audio, tmp/"ours.mp4", m, steps=steps, guidance=guidance, seed=seed, progress=False)
        n, timings = r.frames, r.timings
    total = time.perf_counter() - t0
    row = {"side": side, "unet": unet, "steps": steps, "frames": n, "total_s": round(total, 2), "fps": round(n / total, 4)}
    row.update({f"{k}_s": round(v, 2) for k, v in timings.items()})
    return row


def agreement(unet, steps, guidance, seed, threads):
    "Both sides on 8 frames of the sample: the share of face-box pixels within 1 grey level, worst frame."
    import numpy as np
    warnings.simplefilter("ignore")
    from latentsync.core import sample_data
    from latentsync.video import VideoReader
    from latentsync.pipeline import sync_frames
    tmp = Path(tempfile.mkdtemp())
    audio, video = _audio(tmp, 0.24), sample_data("demo1_video.mp4")
    m = _models(unet, "torch", threads)
    ours = np.stack(list(sync_frames(video, audio, m, steps=steps, guidance=guidance, seed=seed, progress=False, watermark=False)))
    official = official_flow(video, audio, None, m, steps, guidance, seed, return_frames=True, official_inputs=False)[: len(ours)]
    src = VideoReader(video).get(np.arange(len(ours)))
    within = []
    for o, f, s in zip(ours, official, src):                                  # over the box the official run changed
        ys, xs = np.nonzero((f != s).any(-1))
        box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
        within.append((np.abs(o[box].astype(int) - f[box].astype(int)) <= 1).mean())
    return {"frames": len(ours), "worst_frame_within_1": round(float(min(within)), 5),
            "largest_difference": int(np.abs(ours.astype(int) - official.astype(int)).max())}


def export_onnx_once(unet):
    from latentsync.deploy import export_onnx
    from latentsync.pipeline import load_models
    d = RESULTS/f"onnx-{unet}"
    if not (d/"manifest.json").exists():
        export_onnx(load_models(unet, vae="sd-vae-ft-mse" if unet != "tiny" else "tiny", device="cpu"), d)
    return {}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0, help="seconds of speech (the 10 s sample video is not looped below 10)")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=1.5)
    ap.add_argument("--seed", type=int, default=1247)
    ap.add_argument("--unet", default="tiny", help="U-Net preset (tiny; stage2 for the official 256 size with the SD VAE)")
    ap.add_argument("--ours", nargs="+", default=["torch"], choices=["torch", "onnx"])
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=1, help="alternate the sides this many times")
    ap.add_argument("--no-check", action="store_true", help="skip the agreement check")
    a = ap.parse_args()
    try: import kornia  # noqa: F401
    except ImportError: sys.exit("This benchmark needs kornia (the official warps): pip install kornia==0.9.2")
    RESULTS.mkdir(exist_ok=True)
    rows = []
    if not a.no_check:
        check = isolated(agreement, a.unet, 2, a.guidance, a.seed, a.threads)
        print("agreement (8 frames, 2 steps):", check, flush=True)
    if "onnx" in a.ours: isolated(export_onnx_once, a.unet)
    for rep in range(a.repeats):
        for side in ["official", *a.ours]:
            r = isolated(run, side, a.unet, a.seconds, a.steps, a.guidance, a.seed, a.threads)
            if "error" in r: print(side, r["error"], flush=True); continue
            r["repeat"] = rep; rows.append(r); print(r, flush=True)
    for r in rows:
        base = [b for b in rows if b["side"] == "official" and b["repeat"] == r["repeat"]]
        if base: r["fps_vs_official"] = round(r["fps"] / base[0]["fps"], 3)
    table(rows, ["side", "repeat", "frames", "total_s", "fps", "fps_vs_official", "read_s", "decode_s", "whisper_s", "audio_s",
                 "faces+align_s", "faces_s", "align_s", "vae_s", "unet_s", "paste_s", "watermark_s", "encode_s", "peak_rss_mib"])
    save("official_flow", rows)
