"""Benchmark: U-Net forward time and peak memory on the CPU for one 16-frame window with classifier-free guidance
(batch 2), at the tiny and the official stage-2 256 sizes (random weights: speed does not depend on their values).

    python bench/unet.py [--configs tiny stage2] [--threads N] [--repeats N]

Each config runs in a fresh process, so the peak RSS is its own (it includes ~0.9 GiB of imported libraries).
There is no separate fast path to compare with: the module is the plain eager implementation (SDPA attention).
"""
import argparse
from _util import isolated, table, save


def run(name, threads, repeats):
    import time, torch
    from latentsync.unet import LatentSyncUNet, UNET_PRESETS
    torch.set_num_threads(threads)
    cfg = UNET_PRESETS[name]
    t0 = time.perf_counter(); unet = LatentSyncUNet(cfg).eval(); build = time.perf_counter() - t0
    lat = cfg.resolution // 8
    x, audio = torch.randn(2, 13, 16, lat, lat), torch.randn(2, 16, 50, cfg.cross_attention_dim)
    times = []
    with torch.no_grad():
        for _ in range(repeats):
            t0 = time.perf_counter(); unet(x, 500, audio); times.append(time.perf_counter() - t0)
    return {"config": name, "latent": f"2x13x16x{lat}x{lat}", "params_M": sum(p.numel() for p in unet.parameters()) / 1e6,
            "build_s": build, "forward_s": min(times), "seconds": min(times)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="+", default=["tiny", "stage2"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    rows = [isolated(run, c, a.threads, a.repeats if c == "tiny" else 1) for c in a.configs]
    for r in rows: r["peak_rss_gib"] = r.pop("peak_rss_mib", 0) / 1024
    table(rows, ["config", "latent", "params_M", "build_s", "forward_s", "peak_rss_gib", "error"])
    save("unet", rows)
