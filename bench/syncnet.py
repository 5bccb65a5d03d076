"""Benchmark: SyncNet training steps per second and peak memory on the CPU (random data and weights).

    python bench/syncnet.py [--configs tiny stable_syncnet] [--batch 8] [--threads N] [--steps N]

One step = forward of both towers, BCE on the cosine, backward, AdamW update (fp32, as on a CPU). Each config runs in
a fresh process so its peak RSS is its own. The official batch is 256 per GPU; on a CPU use gradient accumulation.
"""
import argparse
from _util import isolated, table, save


def run(name, batch, threads, steps):
    import time, math, torch
    from latentsync.syncnet import StableSyncNet, cosine_loss
    torch.set_num_threads(threads)
    net = StableSyncNet(name).train()
    c = net.config
    faces = torch.randn(batch, c.num_frames, 3, c.image_size, c.image_size)
    mel = torch.randn(batch, 1, 80, math.ceil(c.num_frames * 80 / 25))
    y = (torch.arange(batch) % 2).float()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-5)
    times = []
    for k in range(steps + 1):
        t0 = time.perf_counter()
        v, a = net(net.visual_input(faces), mel)
        loss = cosine_loss(v, a, y); loss.backward(); opt.step(); opt.zero_grad()
        if k: times.append(time.perf_counter() - t0)
    s = sorted(times)[len(times) // 2]
    return {"config": name, "params_M": sum(p.numel() for p in net.parameters()) / 1e6, "batch": batch,
            "input": f"{c.num_frames}x3x{c.image_size}^2", "step_s": s, "steps_per_s": 1 / s, "samples_per_s": batch / s}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="+", default=["tiny", "stable_syncnet"])
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    a = ap.parse_args()
    rows = []
    for c in a.configs:
        r = isolated(run, c, a.batch if c != "tiny" else 32, a.threads, a.steps if c != "tiny" else 10)
        r["peak_rss_gib"] = r.pop("peak_rss_mib", 0) / 1024; rows.append(r)
    table(rows, ["config", "params_M", "batch", "input", "step_s", "steps_per_s", "samples_per_s", "peak_rss_gib", "error"])
    save("syncnet", rows)
