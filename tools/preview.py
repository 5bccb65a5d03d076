"""A preview of the documentation site without Quarto, and the checks the site must pass.

    bash tools/docs.sh --preview          # nbdev's pre-processing into _proc/, then this: _preview/index.html
    python tools/preview.py [--out _preview] [--no-check]

The real site is built by Quarto (`nbdev_docs`, see .github/workflows/deploy.yaml), which cannot be installed here.
This renders nbdev's processed notebooks (`_proc/`: show_doc cells run, directives turned into Quarto cell options,
front matter read) to plain HTML: the sidebar of `nbs/sidebar.yml` (the one Quarto uses), the index as the home page,
links between pages and to API anchors made local, the notebooks' saved figures embedded. Quarto's cell options
`include`, `echo`, `output` and `code-fold` are honoured; the layout and styling are not Quarto's.

Checks (exit status 1 and one line per problem): every notebook is in the sidebar and every sidebar entry exists, the
sidebar and the index's table list the numbered notebooks in file order;
every page has a title and a description; no local link or image is broken (anchors included); every function
and class the package exports has a docstring and its anchor on its page, every other export is named on a page; no page shows a traceback, a warning
or a progress-bar dump.
"""
import argparse, html, importlib, inspect, re, shutil, sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BANNER = ("Preview rendered without Quarto by <code>tools/docs.sh --preview</code>: the content is the site's, the "
          "layout is not. The published site is built by Quarto (<code>nbdev_docs</code>).")


def config() -> dict:
    from configparser import ConfigParser
    c = ConfigParser(); c.read(ROOT/"settings.ini"); return dict(c["DEFAULT"])


def slug(text: str) -> str:
    "Pandoc's (so Quarto's) automatic identifier for a heading's text."
    s = re.sub(r"[^\w\s.-]", "", text.strip().lower())
    s = re.sub(r"\s+", "-", s)
    s = re.sub(r"^[^a-z]+", "", s)
    return s or "section"


def _options(src: str) -> tuple[dict, str]:
    "Quarto cell options (`#| key: value` lines at the top) and the code without them."
    lines, opts = src.splitlines(), {}
    while lines and lines[0].startswith("#|"):
        line = lines.pop(0)[2:].strip()
        if ":" in line:
            k, v = line.split(":", 1)
            try: opts[k.strip()] = yaml.safe_load(v.strip())
            except yaml.YAMLError: opts[k.strip()] = v.strip()
    return opts, "\n".join(lines)


def _text(x) -> str: return "".join(x) if isinstance(x, list) else (x or "")


class Page:
    def __init__(self, nb_path: Path):
        import json
        self.nb_path, self.nb = nb_path, json.loads(nb_path.read_text())
        self.meta, self.cells = {}, self.nb["cells"]
        for i, c in enumerate(self.cells):
            src = _text(c["source"]).strip()
            if c["cell_type"] in ("markdown", "raw") and src.startswith("---"):
                try: self.meta = yaml.safe_load(src.strip("-\n")) or {}
                except yaml.YAMLError as e: self.meta = {"yaml-error": str(e).replace("\n", " ")}   # Quarto would stop here
                self.cells = self.cells[:i] + self.cells[i + 1:]
                break
        self.file = self.meta.get("output-file") or nb_path.with_suffix(".html").name
        self.title, self.description = self.meta.get("title", ""), self.meta.get("description", "")

    def outputs(self):
        "Every (cell index, output) shown on the page (after the cell options)."
        for i, c in enumerate(self.cells):
            if c["cell_type"] != "code": continue
            opts, _ = _options(_text(c["source"]))
            if opts.get("include") is False or opts.get("output") is False or opts.get("eval") is False: continue
            for o in c.get("outputs", []): yield i, o


def _md(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    return markdown2html_mistune(text)


def _code(src: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    return highlight(src, PythonLexer(), HtmlFormatter(cssclass="highlight"))


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _output(o: dict) -> str:
    t = o["output_type"]
    if t == "stream": return f'<pre class="output {o.get("name", "")}">{html.escape(ANSI.sub("", _text(o["text"])))}</pre>'
    if t == "error":
        tb = ANSI.sub("", "\n".join(o.get("traceback", [])))
        return f'<pre class="output error">{html.escape(tb or o.get("ename", "") + ": " + o.get("evalue", ""))}</pre>'
    d = o.get("data", {})
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in d: return f'<img class="output" src="data:{mime};base64,{_text(d[mime]).strip()}" alt="figure">'
    if "image/svg+xml" in d: return f'<div class="output">{_text(d["image/svg+xml"])}</div>'
    if "text/html" in d: return f'<div class="output">{_text(d["text/html"])}</div>'
    if "text/markdown" in d: return f'<div class="output">{_md(_text(d["text/markdown"]))}</div>'
    if "text/plain" in d: return f'<pre class="output">{html.escape(_text(d["text/plain"]))}</pre>'
    return ""


def _fix_headings(body: str) -> str:
    "Pandoc-style ids on headings (the anchors nbdev's API links point to)."
    def sub(m):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", m.group(3))
        i = slug(html.unescape(re.sub(r"<[^>]+>", "", inner)))
        return f'<h{m.group(1)} id="{i}">{inner}<a class="anchor-link" href="#{i}">&#182;</a></h{m.group(1)}>'
    return re.sub(r'<h([1-6])( id="[^"]*")?>(.*?)</h\1>', sub, body, flags=re.S)


def render_body(page: Page) -> str:
    parts = []
    for c in page.cells:
        src = _text(c["source"])
        if c["cell_type"] == "markdown":
            parts.append(_md(src)); continue
        if c["cell_type"] != "code": continue
        opts, code = _options(src)
        if opts.get("include") is False: continue
        if opts.get("echo") is not False and code.strip():
            block = _code(code)
            if opts.get("code-fold"): block = f"<details><summary>Code</summary>{block}</details>"
            parts.append(block)
        if opts.get("output") is not False and opts.get("eval") is not False:
            parts += [_output(o) for o in c.get("outputs", [])]
    return _fix_headings("\n".join(parts))


def sidebar_entries(path: Path) -> list:
    "[(section or None, notebook name)] in the order of nbs/sidebar.yml."
    out = []
    def walk(items, section):
        for it in items:
            if isinstance(it, str): out.append((section, it))
            elif isinstance(it, dict) and "section" in it: walk(it.get("contents", []), it["section"])
            elif isinstance(it, dict) and "href" in it: out.append((section, it["href"]))
    walk(yaml.safe_load(path.read_text())["website"]["sidebar"]["contents"], None)
    return out


def local_links(body: str, pages_by_nb: dict, site: str) -> str:
    "Links to the published site and to notebooks become links between the preview's pages."
    def sub(m):
        attr, url = m.group(1), html.unescape(m.group(2))
        if site and url.startswith(site): url = url[len(site):].lstrip("/") or "index.html"
        path, _, frag = url.partition("#")
        name = Path(path).name
        if path.endswith(".ipynb") and name in pages_by_nb: url = pages_by_nb[name].file + (f"#{frag}" if frag else "")
        return f'{attr}="{html.escape(url, quote=True)}"'
    return re.sub(r'(href|src)="([^"]*)"', sub, body)


CSS = """body{margin:0;font:15px/1.55 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#212529}
.banner{background:#fff3cd;border-bottom:1px solid #e0c36a;padding:6px 16px;font-size:13px}
.layout{display:flex}nav.sidebar{width:250px;flex:none;padding:16px;border-right:1px solid #ddd;height:calc(100vh - 40px);
position:sticky;top:0;overflow:auto;font-size:14px}nav.sidebar a{display:block;color:#333;text-decoration:none;padding:2px 6px;
border-radius:4px}nav.sidebar a.active{background:#e7f1ff;color:#0d6efd;font-weight:600}nav.sidebar .section{margin:12px 0 4px;
font-weight:700;color:#666;font-size:12px;text-transform:uppercase}main{padding:16px 40px;max-width:980px;min-width:0}
.description{color:#555;font-size:17px;border-left:4px solid #ccc;padding-left:12px}pre{background:#f6f8fa;padding:8px;overflow:auto;
font-size:13px}pre.output{background:#fff;border-left:3px solid #ddd}pre.stderr{border-left-color:#e0a800}pre.error{border-left-color:#d00}
img.output{max-width:100%}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px}.anchor-link{visibility:hidden;
margin-left:4px;text-decoration:none}h1:hover .anchor-link,h2:hover .anchor-link,h3:hover .anchor-link{visibility:visible}"""


def build(out: Path) -> dict:
    from pygments.formatters import HtmlFormatter
    cfg, proc = config(), ROOT/"_proc"
    if not proc.is_dir(): sys.exit("tools/preview.py: no _proc/ folder: run `bash tools/docs.sh --check` (or --preview) first")
    site = cfg.get("doc_host", "") + cfg.get("doc_baseurl", "")
    entries = sidebar_entries(ROOT/"nbs"/"sidebar.yml")
    pages = {nb.name: Page(nb) for nb in sorted(proc.glob("*.ipynb"))}
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    if (ROOT/"nbs"/"images").is_dir(): shutil.copytree(ROOT/"nbs"/"images", out/"images")
    css = CSS + HtmlFormatter(cssclass="highlight").get_style_defs(".highlight")
    logo = '<img src="images/logo.svg" alt="" style="height:22px;vertical-align:middle"> ' if (ROOT/"nbs"/"images"/"logo.svg").exists() else ""
    for name, page in pages.items():
        nav, last = [f'<a href="index.html"><b>{logo}{html.escape(cfg.get("title", ""))}</b></a>'], None
        for section, nb in entries:
            if section != last and section: nav.append(f'<div class="section">{html.escape(section)}</div>')
            last = section
            p = pages.get(nb)
            if p: nav.append(f'<a href="{p.file}"{" class=active" if p is page else ""}>{html.escape(p.title or nb)}</a>')
        body = local_links(render_body(page), pages, site)
        doc = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(page.title)} – {html.escape(cfg.get("title", ""))}</title>
<meta name="description" content="{html.escape(page.description, quote=True)}"><link rel="icon" href="images/logo.svg">
<style>{css}</style></head><body><div class="banner">{BANNER}</div><div class="layout"><nav class="sidebar">{"".join(nav)}</nav>
<main><h1 id="title">{html.escape(page.title)}</h1><p class="description">{html.escape(page.description)}</p>{body}
<hr><p><small><a href="{html.escape(cfg.get("git_url", ""))}">{html.escape(cfg.get("git_url", ""))}</a></small></p></main></div></body></html>"""
        (out/page.file).write_text(doc)
    return {"pages": pages, "entries": entries, "site": site}


WARNING = re.compile(r"(\w*Warning\b|warnings\.warn\(|^W\d{4} |absl::)", re.M)
PROGRESS = re.compile(r"(\d+%\|)|(\d+/\d+ \[\d+:\d+)|(it/s\])|(s/it\])|^HBox\(|IntProgress\(", re.M)


def check(out: Path, built: dict) -> list[str]:
    problems, pages, entries = [], built["pages"], built["entries"]
    listed = [nb for _, nb in entries]
    for nb in sorted(p.name for p in (ROOT/"nbs").glob("*.ipynb")):
        if nb not in listed: problems.append(f"{nb}: not in nbs/sidebar.yml (no way to reach its page)")
    for nb in listed:
        if nb not in pages: problems.append(f"nbs/sidebar.yml lists {nb}, which was not processed (missing notebook?)")
    numbered = sorted(p.name for p in (ROOT/"nbs").glob("[0-9]*.ipynb"))
    if [nb for nb in listed if nb[0].isdigit()] != numbered:
        problems.append("nbs/sidebar.yml lists the numbered notebooks out of their file order (reading order is the file order)")
    index = pages.get("index.ipynb")
    table = re.findall(r"\|\s*\[(\d\d_\w+)\]\(", "\n".join(_text(c.get("source", "")) for c in index.nb["cells"])) if index else []
    if [t + ".ipynb" for t in table] != numbered:
        problems.append("nbs/index.ipynb's table of notebooks does not list every numbered notebook once, in file order")
    ids = {}
    for f in out.glob("*.html"):
        ids[f.name] = set(re.findall(r'\bid="([^"]+)"', f.read_text()))
    for name, page in pages.items():
        if "yaml-error" in page.meta: problems.append(f"{name}: its front matter is not valid YAML: {page.meta['yaml-error']}")
        if not page.title: problems.append(f"{name}: no title (its first markdown cell should be '# Title')")
        if not page.description: problems.append(f"{name}: no description (a '> ...' line under the title)")
        for i, o in page.outputs():
            text = _text(o.get("text", "")) + _text(o.get("data", {}).get("text/plain", ""))
            where = f"{name}, cell {i}"
            if o["output_type"] == "error" or "Traceback (most recent call last)" in text:
                problems.append(f"{where}: shows a traceback")
            elif WARNING.search(text) and o.get("name") == "stderr": problems.append(f"{where}: shows a warning: {WARNING.search(text).group(0)!r}")
            if PROGRESS.search(text) or "\r" in text: problems.append(f"{where}: shows a progress bar")
            if "application/vnd.jupyter.widget-view+json" in o.get("data", {}) and "HBox" in text:
                problems.append(f"{where}: shows a progress-bar widget")
    for f in sorted(out.glob("*.html")):
        for url in re.findall(r'(?:href|src)="([^"]*)"', f.read_text()):
            url = html.unescape(url)
            if re.match(r"^(https?:|mailto:|data:|javascript:)", url): continue
            path, _, frag = url.partition("#")
            target = path or f.name
            if not (out/target).exists(): problems.append(f"{f.name}: broken link {url}"); continue
            if frag and target.endswith(".html") and frag not in ids.get(target, set()):
                problems.append(f"{f.name}: link to a missing anchor {url}")
    problems += check_api(built, ids, out)
    return problems


def check_api(built: dict, ids: dict, out: Path) -> list[str]:
    """Every name the package exports (each module's `__all__`): a function or class has a docstring and its show_doc
    anchor on the page nbdev's index names; any other object (a preset table, a constant) is named on some page."""
    from latentsync._modidx import d
    problems, text = [], " ".join(f.read_text() for f in out.glob("*.html"))
    for mod in d["syms"]:
        m = importlib.import_module(mod)
        for name in getattr(m, "__all__", []):
            obj, qual = getattr(m, name, None), f"{mod}.{name}"
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                if not re.search(rf"\b{re.escape(name)}\b", text): problems.append(f"{qual}: exported but named on no page")
                continue
            doc = (obj.__doc__ or "").strip()
            if inspect.isclass(obj) and doc.startswith(f"{obj.__name__}("): doc = ""        # a dataclass's generated one
            if not doc: problems.append(f"{qual}: no docstring")
            url = d["syms"][mod].get(qual, ("",))[0]
            page, _, frag = url.partition("#")
            if frag not in ids.get(page, set()): problems.append(f"{qual}: not documented on its page (no #{frag} in {page or '?'})")
    return problems


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT/"_preview")
    ap.add_argument("--no-check", action="store_true")
    a = ap.parse_args()
    built = build(a.out)
    print(f"preview: {len(built['pages'])} pages in {a.out} (open {a.out/'index.html'}); a preview, not the Quarto site")
    if a.no_check: sys.exit(0)
    problems = check(a.out, built)
    for p in problems: print("docs check:", p)
    print(f"docs checks: {len(problems)} problem(s)" if problems else "ok: docs checks (links, anchors, titles, docstrings, API pages, outputs)")
    sys.exit(1 if problems else 0)
