"""Write README.md from nbs/index.ipynb (nbdev's `nbdev_readme` needs Quarto; this needs nothing).

    python tools/readme.py          # (re)write README.md
    python tools/readme.py --check  # exit 1 if README.md is not what index.ipynb gives
"""
import sys, json, re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
HEADER = "<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file. -->\n\n"

def _frontmatter(src):
    m = re.match(r"^---\n(.*?)\n---\n?", src, flags=re.S)
    if not m: return {}, src
    fm = dict(l.split(":", 1) for l in m.group(1).splitlines() if ":" in l)
    return {k.strip(): v.strip() for k, v in fm.items()}, src[m.end():]

def _directives(src):
    lines = src.splitlines()
    dirs = {l[3:].split()[0].rstrip(":") for l in lines if l.startswith("#| ") and l[3:].split()}
    return dirs, "\n".join(l for l in lines if not l.startswith("#|")).strip("\n")

def _outputs(cell):
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream": out.append("".join(o["text"]))
        elif "text/plain" in o.get("data", {}): out.append("".join(o["data"]["text/plain"]))
    return "".join(out).rstrip("\n")

def render(nb_path=root/"nbs"/"index.ipynb") -> str:
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    parts = []
    for i, cell in enumerate(nb["cells"]):
        src = "".join(cell["source"])
        if cell["cell_type"] == "raw" and i == 0: cell = {**cell, "cell_type": "markdown"}    # the front matter
        if cell["cell_type"] == "markdown":
            if i == 0:
                fm, src = _frontmatter(src)
                if fm.get("title"): parts.append(f"# {fm['title'].strip(chr(34))}")
                if fm.get("description"): parts.append(f"> {fm['description'].strip(chr(34))}")
            src = re.sub(r"^:::.*\n?", "", src, flags=re.M)   # Quarto callout fences
            if src.strip(): parts.append(src.strip("\n"))
        elif cell["cell_type"] == "code":
            dirs, code = _directives(src)
            if dirs & {"hide", "export", "exporti", "default_exp"} or not code: continue
            parts.append(f"```python\n{code}\n```")
            out = _outputs(cell)
            if out: parts.append(f"    {out.replace(chr(10), chr(10) + '    ')}")
    return HEADER + "\n\n".join(parts) + "\n"

if __name__ == "__main__":
    text, readme = render(), root/"README.md"
    if "--check" in sys.argv:
        if not readme.exists() or readme.read_text(encoding="utf-8") != text:
            print("README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`.", file=sys.stderr)
            sys.exit(1)
        print("README.md matches nbs/index.ipynb")
    else:
        readme.write_text(text, encoding="utf-8"); print(f"wrote {readme}")
