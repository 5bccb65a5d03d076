"""Benchmark: `latentsync train` with 1 and 2 processes on the tiny configs (CPU): steps per second and peak memory.

    python bench/train_processes.py [--configs syncnet_tiny stage1_tiny] [--steps 20] [--cache DIR]

Each row is one real run of the command (2 processes through `accelerate launch --multi_gpu`, which on a machine
without GPUs starts CPU processes with the gloo backend), on the first sample clip, at the same global batch: 1 process
x batch B against 2 processes x batch B/2. Steps per second come from the run's own log.csv (the median time per step,
leaving out the first two). Peak memory is the largest sum of the resident memory of all processes of the run, polled
every 0.1 s. OMP_NUM_THREADS is set to cores / processes, so both layouts use all cores.
"""
import argparse, csv, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _util import table, save

GLOBAL_BATCH = {"syncnet_tiny": 8, "stage1_tiny": 2, "stage2_tiny": 2}


def run(config, procs, steps, cache, out):
    import psutil
    from latentsync.core import sample_data
    stage = config.removesuffix("_tiny")
    batch = GLOBAL_BATCH[config] // procs
    sets = [f"data.cache={cache}", f"data.train=[{sample_data('demo1_video.mp4')}]", "data.max_frames=64", f"train.steps={steps}",
            f"train.save_every={steps}", f"train.val_every={10 * steps}", "train.log_with=none", f"train.batch_size={batch}"]
    if stage != "syncnet": sets.append("train.val_steps=1")
    head = ([shutil.which("accelerate"), "launch", "--multi_gpu", "--num_processes", str(procs), "--num_machines", "1",
             "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "latentsync.cli"] if procs > 1 else [sys.executable, "-m", "latentsync.cli"])
    cmd = head + ["train", stage, "--config", config, "--out", str(out)] + [x for s in sets for x in ("--set", s)]
    env = {**os.environ, "OMP_NUM_THREADS": str(max(os.cpu_count() // procs, 1)), "CUDA_VISIBLE_DEVICES": ""}
    t0, peak = time.perf_counter(), 0
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    root = psutil.Process(p.pid)
    while p.poll() is None:
        try: peak = max(peak, sum(q.memory_info().rss for q in [root, *root.children(recursive=True)]))
        except psutil.Error: pass
        time.sleep(0.1)
    err = p.stderr.read()
    if p.returncode: return {"config": config, "processes": procs, "error": err.strip().splitlines()[-1] if err.strip() else p.returncode}
    rows = list(csv.DictReader(open(out/"log.csv")))
    per_step = [float(r["samples_per_s"]) for r in rows[2:]] or [float(r["samples_per_s"]) for r in rows]
    sps = statistics.median(per_step) / GLOBAL_BATCH[config]
    return {"config": config, "processes": procs, "batch_per_process": batch, "steps": len(rows), "steps_per_s": sps,
            "last_loss": float(rows[-1].get("recon") or rows[-1]["loss"]), "wall_s": time.perf_counter() - t0, "peak_gib": peak / 2**30}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", nargs="+", default=["syncnet_tiny", "stage1_tiny"])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--cache", default=str(Path.home()/".cache"/"latentsync"/"bench"))
    a = ap.parse_args()
    rows, tmp = [], Path(tempfile.mkdtemp(prefix="latentsync bench "))
    for config in a.configs:
        for procs in (1, 2):
            rows.append(run(config, procs, a.steps, a.cache, tmp/f"{config} {procs}"))
            table(rows[-1:], ["config", "processes", "batch_per_process", "steps", "steps_per_s", "last_loss", "wall_s", "peak_gib", "error"])
    shutil.rmtree(tmp)
    table(rows, ["config", "processes", "batch_per_process", "steps", "steps_per_s", "last_loss", "wall_s", "peak_gib", "error"])
    save("train_processes", rows)
