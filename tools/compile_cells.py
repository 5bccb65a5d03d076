"""Every code cell of every notebook must compile: nbdev_test reports a SyntaxError in a cell as that cell's output
and goes on, so a broken test cell would pass unnoticed. Cell magics and shell escapes are skipped."""
import ast, json, sys
from pathlib import Path

bad = []
for nb in sorted(Path(__file__).resolve().parents[1].glob("nbs/*.ipynb")):
    for i, c in enumerate(json.loads(nb.read_text())["cells"]):
        if c["cell_type"] != "code": continue
        src = "".join(c["source"])
        if src.lstrip().startswith(("%%", "!")): continue
        code = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in src.splitlines())
        try: ast.parse(code)
        except SyntaxError as e: bad.append(f"{nb.name}, cell {i}, line {e.lineno}: {e.msg}")
for b in bad: print(f"FAIL: does not compile: {b}", file=sys.stderr)
print(f"ok: every code cell compiles" if not bad else f"{len(bad)} cell(s) do not compile")
sys.exit(1 if bad else 0)
