"""Benchmark: U-Net training steps per second and peak memory on the CPU, stage 1 and stage 2, tiny and official 256.

    python bench/train.py [--configs tiny1 tiny2 stage1 stage2] [--threads N] [--steps N] [--mem-limit-gib G]

One step = VAE encoding of target/masked/reference frames, the noise loss, for stage 2 the decoded ẑ0 with SyncNet,
LPIPS and TREPA, backward and AdamW, with one clip of 16 frames (batch 1) and the preset's other settings on a CPU
(fp32: no autocast; gradient checkpointing as in the preset). All weights random (speed does not depend on them):
official sizes use the SD VAE, StableSyncNet and VideoMAE-v2 ViT-g architectures. Each config runs in a fresh
process with an address-space limit, so a config that does not fit is reported instead of exhausting the machine.
"""
import argparse
from _util import isolated, table, save


def run(name, threads, steps, mem_limit_gib):
    import resource, time, torch
    from dataclasses import replace
    if mem_limit_gib: resource.setrlimit(resource.RLIMIT_AS, (int(mem_limit_gib * 2**30),) * 2)
    torch.set_num_threads(threads)
    from latentsync.train_stage1 import TRAIN_PRESETS, encode_batch, noise_loss, set_trainable
    from latentsync.train_stage2 import PixelLosses
    from latentsync.diffusion import load_vae, make_scheduler
    from latentsync.unet import LatentSyncUNet
    from latentsync.syncnet import StableSyncNet
    from latentsync.losses import load_lpips, load_trepa
    cfg = replace(TRAIN_PRESETS[name], mixed_precision="no")
    tiny = name.startswith("tiny")
    unet = LatentSyncUNet(cfg.unet).train()
    if cfg.gradient_checkpointing: unet.enable_gradient_checkpointing()
    n_train, n_all = set_trainable(unet, cfg.trainable)
    vae = load_vae("tiny" if tiny else "sd-vae-ft-mse")
    losses = PixelLosses(StableSyncNet("tiny" if tiny else "stable_syncnet"), load_lpips(random_trunk=True),
                         load_trepa(preset="tiny" if tiny else "vit-g-14")) if cfg.pixel_losses else None
    opt = torch.optim.AdamW([p for p in unet.parameters() if p.requires_grad], lr=cfg.lr)
    R, F_ = cfg.resolution, cfg.num_frames
    batch = {"gt": torch.rand(1, F_, 3, R, R) * 2 - 1, "ref": torch.rand(1, F_, 3, R, R) * 2 - 1,
             "mask": torch.ones(1, F_, 1, R, R), "audio": torch.randn(1, F_, 50, 384), "mel": torch.randn(1, 1, 80, 52)}
    batch["masked"] = batch["gt"] * batch["mask"]
    sched, times = make_scheduler(), []
    for k in range(steps + 1):
        t0 = time.perf_counter()
        lat = encode_batch(vae, batch)
        out = noise_loss(unet, sched, lat, batch["audio"])
        loss = out["recon"] + (sum(cfg.loss_weights[k2] * v for k2, v in losses(batch, out, lat, vae, sched).items()) if losses else 0)
        loss.backward(); opt.step(); opt.zero_grad()
        if k: times.append(time.perf_counter() - t0)
    s = sorted(times)[len(times) // 2]
    return {"config": name, "unet": cfg.unet, "res": R, "trainable_M": n_train / 1e6, "params_M": n_all / 1e6,
            "step_s": s, "steps_per_s": 1 / s}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="+", default=["tiny1", "tiny2", "stage1", "stage2"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--mem-limit-gib", type=float, default=21.0)
    a = ap.parse_args()
    rows = []
    for c in a.configs:
        r = isolated(run, c, a.threads, a.steps if not c.startswith("tiny") else 5, a.mem_limit_gib)
        r.setdefault("config", c); r["peak_rss_gib"] = r.pop("peak_rss_mib", 0) / 1024; rows.append(r)
        table([r], ["config", "unet", "res", "trainable_M", "params_M", "step_s", "steps_per_s", "peak_rss_gib", "error"])
    print()
    table(rows, ["config", "unet", "res", "trainable_M", "params_M", "step_s", "steps_per_s", "peak_rss_gib", "error"])
    save("train", rows)
