"""Training in the synthetic world (nbs/18_synthetic.ipynb), at full size, on the CPU: what the notebook's slow cells show.

    python bench/synthetic.py main [--root runs/world] [--seed 0]          # world, VAE, Whisper, SyncNet, stage 1, stage 2, judged
    python bench/synthetic.py ablations [--root runs/world] [--seeds 0 1 2]  # the paper's ablations in miniature

Everything lands under --root (default `runs/world`, ignored by git): `world/` (clips, truth, manifest), `vae/`, `whisper/`, one
folder per training run (reused when finished, resumed when not) and `judged.json` beside each judged U-Net. Each run's
figures are printed as a table and written to bench/results/synthetic_<what>.json. The notebook's slow cells read the
same folders (set LATENTSYNC_WORLD to --root), so running them after this only draws the figures.
"""
import argparse, json, time, warnings
from dataclasses import asdict, replace
from pathlib import Path

from latentsync.synthetic import make_world, fit_vae, fit_whisper, run_world, WorldBudget


def prepare(root: Path, budget: WorldBudget) -> tuple[Path, Path, Path]:
    world, vae, whisper = root/"world", root/"vae", root/"whisper"
    if not (world/"manifest.csv").exists():
        t0 = time.time(); make_world(world); print(f"world: {time.time() - t0:.0f} s", flush=True)
    if not (vae/"config.json").exists():
        t0 = time.time(); fit = fit_vae(world, vae, steps=budget.vae_steps)
        (root/"vae_fit.json").write_text(json.dumps({k: fit[k] for k in ("psnr", "mouth_psnr", "latent_rescale", "loss")}))
        print(f"VAE: held-out PSNR {fit['psnr']:.2f} dB, mouth {fit['mouth_psnr']:.2f} dB ({time.time() - t0:.0f} s)", flush=True)
    if not (whisper/"config.json").exists():
        t0 = time.time(); fit = fit_whisper(world, whisper, steps=budget.whisper_steps)
        (root/"whisper_fit.json").write_text(json.dumps({k: fit[k] for k in ("unexplained_before", "unexplained", "loss")}))
        print(f"Whisper: held-out spectrum unexplained {fit['unexplained_before']:.3f} -> {fit['unexplained']:.3f} ({time.time() - t0:.0f} s)", flush=True)
    return world, vae, whisper


def figures(res: dict) -> dict:
    row = {k: res[k] for k in ("seed", "syncnet_frames", "sync_loss", "trepa", "mixed_noise")}
    if "syncnet" in res: row.update({f"syncnet_{k}": v for k, v in res["syncnet"].items()})
    for stage in ("stage1", "stage2"):
        if stage in res: row.update({f"{stage}_{k}": round(v, 4) for k, v in res[stage].items() if isinstance(v, float)})
    return row


def save(rows: list, what: str):
    out = Path(__file__).parent/"results"; out.mkdir(exist_ok=True)
    (out/f"synthetic_{what}.json").write_text(json.dumps(rows, indent=1))
    keys = list(dict.fromkeys(k for r in rows for k in r))
    print("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for r in rows: print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["main", "ablations"])
    ap.add_argument("--root", type=Path, default=Path("runs/world"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--budget", default="{}", help='JSON overrides of WorldBudget, e.g. \'{"stage1_steps": 500}\'')
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    budget = replace(WorldBudget(), **json.loads(a.budget))
    print("budget:", asdict(budget), flush=True)
    world, vae, whisper = prepare(a.root, budget)
    t0 = time.time()
    if a.what == "main":
        res = run_world(world, a.root, vae, a.seed, budget, whisper=whisper)
        save([{**figures(res), "seconds": round(time.time() - t0)}], "main")
    else:
        variants = [dict(), dict(sync_loss=False), dict(trepa=False), dict(mixed_noise=False), dict(syncnet_frames=5)]
        rows = []
        for seed in a.seeds:
            for v in variants:
                t1 = time.time()
                stages = ("syncnet",) if v.get("syncnet_frames") == 5 else ("syncnet", "stage1", "stage2")
                res = run_world(world, a.root, vae, seed, budget, stages=stages, whisper=whisper, **v)
                rows.append({**figures(res), "seconds": round(time.time() - t1)}); save(rows, "ablations")
