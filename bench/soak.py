"""Soak test of `latentsync sync` (tiny random-weight models, CPU): what a long dub costs in memory, and what runs that
overlap or are killed leave behind.

    python bench/soak.py concurrency [--seconds 4]     # 2 runs at once + 1 killed with SIGKILL + 1 stopped with SIGTERM
    python bench/soak.py length --minutes 1 10 [--steps 1] [--scale 0.5]

`concurrency` runs real `latentsync sync` processes into one folder (a name with spaces): C is killed with SIGKILL while
it writes, D gets SIGTERM while it writes, then A and B run at the same time. Afterwards the folder must hold exactly the
inputs, a.mp4 and b.mp4: D cleans up after itself, and A/B remove what the killed C left (its temporary folder names a
process that is gone). `length` dubs the looped sample speech for each length (each run a fresh process, via
bench/pipeline.py) and compares peak memory: it should not grow with length. `--scale 0.5` loops a half-size copy of the
sample clip for every length (decoding, alignment and paste-back of 1080x1920 frames dominate the time on a CPU).
"""
import argparse, os, shutil, signal, subprocess, sys, tempfile, time
from pathlib import Path


def _start(video, audio, out):
    cmd = [shutil.which("latentsync") or "latentsync", "sync", "--video", str(video), "--audio", str(audio), "--out", str(out),
           "--steps", "1", "--device", "cpu"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True), time.perf_counter()


def _wait(proc, t0):
    "Exit code, seconds, peak RSS (MiB) of a child, and its last stderr line that is ours."
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read()
    said = [l for l in err.replace("\r", "\n").splitlines() if l.startswith("latentsync")]
    return {"rc": proc.returncode, "seconds": round(time.perf_counter() - t0, 1), "peak_rss_mib": round(usage.ru_maxrss / 1024),
            "said": said[-1] if said else ""}


def _when_writing(folder, name, proc, limit=300):
    t0 = time.time()
    while proc.poll() is None and time.time() - t0 < limit:
        if any(p.name.startswith(f".{name}.") for p in folder.iterdir()): return True
        time.sleep(0.1)
    return False


def concurrency(seconds):
    import numpy as np, soundfile as sf
    from latentsync.core import sample_data
    from latentsync.audio import load_audio
    folder = Path(tempfile.mkdtemp(prefix="latentsync soak "))
    speech = folder/"new speech.wav"
    sf.write(speech, np.resize(load_audio(sample_data("demo2_audio.wav")), int(seconds * 16000)), 16000)
    video = sample_data("demo1_video.mp4")
    rows = {}
    for name, sig in (("c", signal.SIGKILL), ("d", signal.SIGTERM)):
        proc, t0 = _start(video, speech, folder/f"{name}.mp4")
        writing = _when_writing(folder, name, proc)
        proc.send_signal(sig)
        rows[name] = {"signal": sig.name, "was writing": writing, **_wait(proc, t0),
                      "left behind": sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))}
    runs = {n: _start(video, speech, folder/f"{n}.mp4") for n in ("a", "b")}
    for n, (proc, t0) in runs.items(): rows[n] = {"signal": "", **_wait(proc, t0)}
    left = sorted(p.name for p in folder.iterdir())
    print("| run | signal | exit | seconds | peak RSS MiB | left behind at its end | last message |\n|---|---|---|---|---|---|---|")
    for n, r in sorted(rows.items()):
        print(f"| {n} | {r['signal']} | {r['rc']} | {r['seconds']} | {r['peak_rss_mib']} | {', '.join(r.get('left behind', [])) or '-'} | {r['said']} |")
    print(f"\nthe folder afterwards: {left}")
    ok = left == sorted(["a.mp4", "b.mp4", "new speech.wav"]) and rows["a"]["rc"] == rows["b"]["rc"] == 0
    print("OK: exactly the two outputs, no temporary files" if ok else "FAILED: unexpected files or exit codes")
    shutil.rmtree(folder)
    return ok


def scaled_copy(scale: float) -> Path:
    "The sample clip at `scale` of its size (even dimensions), with its audio, in a temporary folder."
    from latentsync.core import sample_data
    from latentsync.audio import ffmpeg_exe
    out = Path(tempfile.mkdtemp(prefix="latentsync soak "))/f"demo1 x{scale:g}.mp4"
    subprocess.run([ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(sample_data("demo1_video.mp4")), "-vf",
                    f"scale=trunc(iw*{scale}/2)*2:trunc(ih*{scale}/2)*2", "-crf", "18", "-c:a", "copy", str(out)], check=True)
    return out


def length(minutes, steps, scale=1.0):
    sys.path.insert(0, str(Path(__file__).parent))
    from _util import isolated, table
    from pipeline import run
    video = scaled_copy(scale) if scale != 1 else None
    rows = []
    for m in minutes:
        r = isolated(run, m * 60, steps, "tiny", "tiny", False, 2, video)
        r["peak_rss_gib"] = r.pop("peak_rss_mib", 0) / 1024; rows.append(r)
        table([r], ["input_audio_s", "frames", "total_s", "fps", "peak_rss_gib", "error"])
    base = rows[0]["peak_rss_gib"]
    for r in rows[1:]: print(f"{r['input_audio_s'] / 60:g} min vs {minutes[0]:g} min: peak memory x{r['peak_rss_gib'] / base:.3f}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["concurrency", "length"])
    ap.add_argument("--seconds", type=float, default=4.0, help="concurrency: length of the dubs")
    ap.add_argument("--minutes", type=float, nargs="+", default=[1, 10], help="length: dub lengths to compare")
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="length: loop a copy of the sample at this size (e.g. 0.5)")
    a = ap.parse_args()
    if a.what == "concurrency": sys.exit(0 if concurrency(a.seconds) else 1)
    length(a.minutes, a.steps, a.scale)
