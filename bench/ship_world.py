"""Ship the synthetic world's model (issue 33): judge the trained runs on every held-out job, export the model in float16,
judge the exported copy the same way, and write `world.json` (file hashes and the figures) into the shipped folder.

    python bench/synthetic.py main --runs runs/world/real --whisper tiny.en --lpips vgg --syncnet-model world   # train it
    python bench/ship_world.py --root runs/world --runs runs/world/real [--compare runs/world/toy] [--out latentsync/models/world]

`--compare` judges other runs' stage 2 the same way (the toy-encoder arm, say), with the shipped SyncNet as the one judge
of confidence, so that the figures sit side by side. The judgement is `synthetic.mouth_sync` over all held-out dubbing
jobs (`dubbing_jobs`) at `--steps` DDIM steps: read-back r with the target, shuffled and near-silent speech, with the
source's own mouth (copying), and the SyncNet's confidence. float16 is kept when no figure moves by 0.01 or more
against the float32 run; otherwise the script says so and stops without writing. Results: bench/results/ship_world.json.
"""
import argparse, json, shutil, tempfile, time, warnings
from pathlib import Path

import torch

from latentsync.convert import load_saved_syncnet
from latentsync.pipeline import load_models
from latentsync.synthetic import dubbing_jobs, mouth_sync, export_world_model, check_world_model

FIGURES = ("r_target", "r_shuffled", "r_silent", "r_source", "conf_target", "conf_shuffled", "conf_silent")


def judge(models, jobs, steps, syncnet) -> dict:
    t0 = time.time()
    res = mouth_sync(models, jobs, steps, syncnet=syncnet, progress=False)
    return {**{k: round(res[k], 4) for k in FIGURES}, "jobs": len(jobs), "steps": steps, "seconds": round(time.time() - t0)}


def run_about(run: Path) -> dict:
    "What a training run was: its config's model and train sections and its summary."
    import yaml
    cfg = yaml.safe_load((run/"config.yaml").read_text())
    summary = json.loads((run/"summary.json").read_text()) if (run/"summary.json").is_file() else {}
    return {"model": cfg.get("model"), "train": {k: cfg["train"][k] for k in ("steps", "batch_size", "lr") if k in cfg["train"]},
            "seconds": summary.get("seconds"), "final": summary.get("final")}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, default=Path("runs/world"), help="the world, its VAE (as bench/synthetic.py made them)")
    ap.add_argument("--runs", type=Path, default=Path("runs/world/real"), help="the training runs of the model to ship")
    ap.add_argument("--compare", type=Path, nargs="*", default=[], help="other run folders whose stage 2 is judged the same way")
    ap.add_argument("--out", type=Path, default=Path("latentsync/models/world"))
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only-compare", action="store_true", help="judge the --compare runs only (with --runs's SyncNet), ship nothing")
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    world, seed = a.root/"world", a.seed
    syncnet_run, stage2_run = a.runs/f"syncnet16_seed{seed}", a.runs/f"stage2_mixed_seed{seed}"
    jobs = dubbing_jobs(world)
    judge_net = load_saved_syncnet(syncnet_run).float().eval()
    rows = {}
    if a.only_compare:
        for p in a.compare:
            rows[str(p)] = judge(load_models(p/f"stage2_mixed_seed{seed}", device="cpu"), jobs, a.steps, judge_net); print(p, rows[str(p)], flush=True)
        out_rows = Path(__file__).parent/"results"; out_rows.mkdir(exist_ok=True)
        (out_rows/"ship_world_compare.json").write_text(json.dumps(rows, indent=1)); raise SystemExit(0)
    for name, run in [("float32", stage2_run)] + [(f"compare: {p}", p/f"stage2_mixed_seed{seed}") for p in a.compare]:
        rows[name] = judge(load_models(run, device="cpu"), jobs, a.steps, judge_net)
        print(name, rows[name], flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        half = export_world_model(syncnet_run, stage2_run, a.root/"vae", Path(tmp)/"world")
        rows["float16"] = judge(load_models(half, device="cpu"), jobs, a.steps, load_saved_syncnet(half/"syncnet").float().eval())
        print("float16", rows["float16"], flush=True)
        moved = {k: round(abs(rows["float16"][k] - rows["float32"][k]), 4) for k in FIGURES}
        print("float16 against float32:", moved, flush=True)
        out_rows = Path(__file__).parent/"results"; out_rows.mkdir(exist_ok=True)
        (out_rows/"ship_world.json").write_text(json.dumps({"judged": rows, "float16_moved": moved}, indent=1))
        if max(moved.values()) >= 0.01: raise SystemExit(f"float16 moves a figure by 0.01 or more: {moved}; not shipped")
        about = {"judged": {**rows["float16"], "judge": "the shipped SyncNet", "what": "mouth_sync over dubbing_jobs(world), seed 1247, guidance 1.5"},
                 "judged_float32": rows["float32"], "float16_moved": moved,
                 "runs": {s: run_about(a.runs/f"{s}_seed{seed}" if s != "syncnet" else syncnet_run)
                          for s in ("syncnet", "stage1_mixed", "stage2_mixed")}}
        export_world_model(syncnet_run, stage2_run, a.root/"vae", Path(tmp)/"final", about=about)
        a.out.parent.mkdir(parents=True, exist_ok=True)
        for sub in ("unet", "vae", "syncnet"):
            if (a.out/sub).exists(): shutil.rmtree(a.out/sub)
        a.out.mkdir(exist_ok=True)
        for p in (Path(tmp)/"final").iterdir(): shutil.move(str(p), str(a.out/p.name))
    print("shipped:", a.out, {k: v for k, v in check_world_model(a.out).items()},
          f"{sum(p.stat().st_size for p in a.out.rglob('*') if p.is_file()) / 1e6:.1f} MB", flush=True)
