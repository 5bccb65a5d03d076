__version__ = "0.1.0"

# The package's front door: the main entry points at the top level (`from latentsync import sync`), imported when first
# used, so that `import latentsync` stays fast (the command line imports the heavy modules only when it needs them).
# Written by hand: nbdev keeps the version line above up to date and leaves the rest alone (see nbs/00_core.ipynb).
_LAZY = {"sync": "pipeline", "sync_frames": "pipeline", "sync_batch": "batch", "load_models": "pipeline",
         "LipSyncModels": "pipeline", "SyncResult": "pipeline", "SyncOptions": "options", "train": "train_runs",
         "evaluate": "metrics", "world_demo": "synthetic", "get_device": "core", "seed_everything": "core"}

__all__ = ["__version__", *_LAZY]

def __getattr__(name: str):
    if name not in _LAZY: raise AttributeError(f"module 'latentsync' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(f"latentsync.{_LAZY[name]}"), name)
    globals()[name] = value                       # found once, then an ordinary attribute
    return value

def __dir__(): return sorted(set(globals()) | set(_LAZY))
