"""Does a stage-1 U-Net learn to listen, and how fast? A short stage-1 training in the synthetic world (see
nbs/20_synthetic.ipynb) that prints `audio_reliance` every few steps, for three kinds of audio features:

- `random`: the Whisper-tiny preset with random weights (what training uses when no Whisper is given);
- `world`: the world's fitted Whisper (`runs/world/whisper`, made by `bench/synthetic.py main` or `fit_whisper`);
- `oracle`: the true mouth opening of each frame written along one fixed direction in every audio token. No real
  encoder gives this; it shows how fast the U-Net and its training learn from audio that is easy to read.

The loop is stage 1's own steps (`encode_batch`, `noise_loss`, AdamW with the world's lr, gradient clipping at 1) on
the world's stage-1 U-Net (no motion modules), so that the three can be compared in minutes instead of full runs.

    python bench/audio_probe.py --audio world --steps 400 --every 50
"""
import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from latentsync.diffusion import make_scheduler
from latentsync.synthetic import WorldBudget, audio_reliance, load_truth, world_config
from latentsync.train_runs import _helper, build_data, build_unet
from latentsync.run_config import config_from_dict
from latentsync.train_stage1 import encode_batch, noise_loss


class OracleAudio(torch.utils.data.Dataset):
    "A `UNetDataset` whose audio windows are replaced by the frames' true opening along one fixed direction."
    def __init__(self, ds, seed: int = 9):
        self.ds, self.truth = ds, {}
        self.direction = torch.randn(ds[0]["audio"].shape[-1], generator=torch.Generator().manual_seed(seed))

    def __len__(self): return len(self.ds)

    def __getitem__(self, i):
        it = dict(self.ds[i])
        path = str(self.ds.clips[it["clip"]].path)
        if path not in self.truth: self.truth[path] = torch.from_numpy(load_truth(path)["opening"]).float()
        o = self.truth[path][it["start"]:it["start"] + self.ds.num_frames]
        it["audio"] = torch.zeros_like(it["audio"]) + (2 * o[:, None, None] - 1) * self.direction
        return it


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=Path("runs/world"))
    ap.add_argument("--audio", choices=["random", "world", "oracle"], default="world")
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    whisper = a.root/"whisper" if a.audio == "world" else "whisper-tiny"
    budget = WorldBudget(stage1_steps=a.steps)
    cfg = config_from_dict(world_config("stage1", a.root/"world", a.root/"vae", a.seed, budget, whisper=whisper), "stage1")
    data = build_data(cfg, _helper("whisper", cfg.model.whisper))
    train, held = data.train, data.val
    if a.audio == "oracle": train, held = OracleAudio(train), OracleAudio(held)
    vae = _helper("vae", cfg.model.vae)
    torch.manual_seed(a.seed)
    unet, _ = build_unet(cfg)
    unet.train()
    opt = torch.optim.AdamW(unet.parameters(), lr=cfg.train.lr, weight_decay=cfg.train.weight_decay)
    scheduler, rng, g = make_scheduler(), np.random.default_rng(a.seed), torch.Generator().manual_seed(a.seed)
    keys = ("gt", "masked", "mask", "ref", "audio")
    t0 = time.time()
    for step in range(a.steps + 1):
        if step % a.every == 0:
            rel = audio_reliance(unet, vae, held)
            print(f"step {step:5d}  mouth ε-MSE own audio {rel['mse_own']:.4f}  other clip's {rel['mse_other']:.4f}  "
                  f"gain {100 * rel['gain']:6.2f} %  ({time.time() - t0:.0f} s)", flush=True)
        if step == a.steps: break
        items = [train[int(i)] for i in rng.choice(len(train), cfg.train.batch_size)]
        batch = {k: torch.stack([it[k] for it in items]) for k in keys}
        with torch.no_grad(): lat = encode_batch(vae, batch, generator=g)
        loss = noise_loss(unet, scheduler, lat, batch["audio"], cfg.train.mixed_noise_alpha, generator=g)["recon"]
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(unet.parameters(), cfg.train.max_grad_norm)
        opt.step()


if __name__ == "__main__":
    main()
