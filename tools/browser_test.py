"""Browser tests: headless Chromium (the Debian package `chromium`) driven by Playwright, nothing downloaded.

    bash tools/browser_test.sh [app]      # the app; screenshots go to browser_test/ (ignored by git)
    bash tools/browser_test.sh docs       # the documentation preview (_preview/, from `bash tools/docs.sh --preview`)

`docs` serves _preview/ over HTTP on 127.0.0.1, opens the home page and every page of the sidebar, and fails on a
console error, a page error, a failed or 4xx/5xx request, a page without its title or a sidebar that does not reach
every page; one screenshot per page goes to browser_test/docs/.


It starts `latentsync app` on a free port of 127.0.0.1 with the tiny random-weight model, opens the page, uploads a
sample video and 0.64 s of sample speech, sets 2 DDIM steps, runs, waits for the result player and saves screenshots
of the page before and after. It fails on a page error, a console error, or no result within the time limit. Where
Chromium or Playwright is missing it says so and exits 0 (skipped): `apt-get install chromium; pip install playwright`.
"""
import os, shutil, socket, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT/"browser_test"


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def skip_reason(what: str = "app") -> str | None:
    if chromium() is None: return "Chromium is not installed (Debian: apt-get install chromium)"
    try: import playwright  # noqa: F401
    except ImportError: return "Playwright is not installed (pip install playwright; its own browsers are not needed)"
    if what == "docs": return None
    try: import gradio  # noqa: F401
    except ImportError: return "Gradio is not installed (pip install -e '.[app]')"
    return None


def free_port() -> int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def wait_for(port: int, proc, limit: float = 120):
    t0 = time.time()
    while time.time() - t0 < limit:
        if proc.poll() is not None: raise RuntimeError(f"latentsync app ended early:\n{proc.stdout.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0: return
        time.sleep(0.5)
    raise TimeoutError(f"the app did not answer on port {port} within {limit:.0f} s")


def app_test() -> int:
    import soundfile as sf
    from playwright.sync_api import sync_playwright
    from latentsync.core import sample_data
    from latentsync.audio import load_audio
    OUT.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="latentsync browser "))
    speech = tmp/"new speech.wav"
    sf.write(speech, load_audio(sample_data("demo2_audio.wav"))[:10240], 16000)
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "latentsync.cli", "app", "--port", str(port), "--device", "cpu"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    errors = []
    try:
        wait_for(port, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.goto(f"http://127.0.0.1:{port}/", wait_until="networkidle")
            page.screenshot(path=str(OUT/"app_start.png"), full_page=True)
            inputs = page.locator("input[type=file]")              # video, speech (an upload replaces its input by a player)
            inputs.nth(1).set_input_files(str(speech))
            page.wait_for_timeout(1000)
            inputs.nth(0).set_input_files(str(sample_data("demo1_video.mp4")))
            page.get_by_text("options").click()
            steps = page.get_by_label("number input for DDIM steps")
            steps.fill("2"); steps.press("Enter")
            page.wait_for_timeout(2000)                                    # the uploads finish
            page.get_by_role("button", name="lip-sync").click()
            page.get_by_text("frames at 25 fps").wait_for(timeout=600_000)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(OUT/"app_result.png"), full_page=True)
            players = page.locator("video").count()
            browser.close()
    finally:
        proc.terminate(); proc.wait(30); shutil.rmtree(tmp, ignore_errors=True)
    errors = [e for e in errors if "favicon" not in e]
    print(f"result players on the page: {players}; screenshots: {OUT/'app_start.png'}, {OUT/'app_result.png'}")
    for e in errors: print(e)
    if players < 2: print("FAILED: no result player"); return 1            # the input player and the result player
    if errors: print("FAILED: the page reported errors"); return 1
    print("passed"); return 0


def docs_test() -> int:
    import functools, http.server, re, threading
    from playwright.sync_api import sync_playwright
    site = ROOT/"_preview"
    if not (site/"index.html").exists():
        print("FAILED: no documentation preview: run `bash tools/docs.sh --preview` first"); return 1
    nav = re.search(r'<nav class="sidebar">(.*?)</nav>', (site/"index.html").read_text(), re.S).group(1)
    pages = list(dict.fromkeys(["index.html"] + re.findall(r'href="([^"#]+)"', nav)))
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base, shots, problems = f"http://127.0.0.1:{server.server_address[1]}/", OUT/"docs", []
    shots.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            here = {"url": ""}
            page.on("pageerror", lambda e: problems.append(f"{here['url']}: page error: {e}"))
            page.on("console", lambda m: problems.append(f"{here['url']}: console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("requestfailed", lambda r: problems.append(f"{here['url']}: request failed: {r.url}"))
            page.on("response", lambda r: problems.append(f"{here['url']}: HTTP {r.status}: {r.url}") if r.status >= 400 else None)
            for name in pages:
                here["url"] = name
                page.goto(base + name, wait_until="load")
                title = page.locator("h1#title").inner_text().strip()
                if not title: problems.append(f"{name}: no title on the page")
                links = page.locator("nav.sidebar a").count()
                if links < len(pages): problems.append(f"{name}: the sidebar has {links} links for {len(pages)} pages")
                page.screenshot(path=str(shots/name.replace(".html", ".png")))
            browser.close()
    finally:
        server.shutdown()
    print(f"docs preview: {len(pages)} pages opened; screenshots in {shots}")
    for e in problems: print(e)
    if problems: print("FAILED: the pages reported problems"); return 1
    print("passed"); return 0


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "app"
    if what not in ("app", "docs"): print(f"unknown browser test {what!r}: app or docs"); sys.exit(2)
    why = skip_reason(what)
    if why: print(f"browser test skipped: {why}"); sys.exit(0)
    sys.exit(app_test() if what == "app" else docs_test())
