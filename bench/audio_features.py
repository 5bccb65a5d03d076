"""Benchmark: Whisper feature extraction speed (seconds of audio per second) and peak memory on the CPU.

    python bench/audio_features.py [--threads N] [--long-minutes M]

Uses ../shared/data/demo2_audio.wav (19.84 s) and, for memory growth, that clip tiled to M minutes. Random weights
(the speed of a network does not depend on its values): the `tiny` preset and the real Whisper-tiny dimensions.
Each measurement runs in a fresh process so that its peak RSS is its own. Results also go to bench/results/.
"""
import argparse, time
from _util import isolated, table, save


def run(preset, minutes, threads):
    import numpy as np, torch
    from latentsync.core import sample_data
    from latentsync.audio import load_audio, load_audio_encoder, whisper_features, SAMPLE_RATE
    torch.set_num_threads(threads)
    wave = load_audio(sample_data("demo2_audio.wav"))
    if minutes: wave = np.resize(wave, int(minutes * 60 * SAMPLE_RATE))
    enc = load_audio_encoder(preset, device="cpu")
    whisper_features(wave[: 2 * SAMPLE_RATE], enc)            # warm-up
    t0 = time.perf_counter()
    feats = whisper_features(wave, enc, progress=False)
    dt = time.perf_counter() - t0
    secs = len(wave) / SAMPLE_RATE
    return {"preset": preset, "audio_s": round(secs, 2), "rows": feats.shape[0], "seconds": dt,
            "audio_s_per_s": secs / dt, "features_mib": feats.numel() * 4 / 2**20}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--long-minutes", type=float, default=5.0)
    a = ap.parse_args()
    rows = []
    for preset in ("tiny", "whisper-tiny"):
        for minutes in (0, a.long_minutes):
            r = isolated(run, preset, minutes, a.threads); rows.append(r)
            table([r], list(r))
    print()
    table(rows, ["preset", "audio_s", "rows", "seconds", "audio_s_per_s", "features_mib", "peak_rss_mib"])
    save("audio_features", rows)
