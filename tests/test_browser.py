"""The course as a learner uses it: every lesson in JupyterLab, in a real browser.

nbval proves that a kernel executes the cells; it does not prove that a learner who opens
JupyterLab sees the figures and can move the Explore widgets. This test starts JupyterLab
from this environment, drives headless Chromium with Playwright, and for every notebook:
opens it, runs all cells from the Run menu, waits until every cell has executed and the
kernel is idle, then checks that no error or stderr output is shown, that every figure
decodes to a non-empty image, and that each Explore cell's controls redraw its figure.
One server serves all notebooks; the next notebook already runs while one is checked.

It needs the system Chromium (Debian: ``apt-get install chromium``) and the Python package
``playwright`` (``pip install -e ".[test]"``); ``playwright install`` is never needed. A
learner without them sees a skip; under CI (``CI=true``) a missing browser is a failure.
Deselect it with ``python -m pytest -m "not browser"``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SCREENSHOT_DIRS, load_module

from course_utils import lab as lab_tool

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(path.name for path in NOTEBOOK_DIR.glob("*.ipynb"))



CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Without the background-networking flags Chromium keeps dialling Google's hosts, which a
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
SERVER_START_TIMEOUT = 120.0  # s, until the REST API answers
SERVER_STOP_TIMEOUT = 20.0  # s, after SIGTERM before SIGKILL
PAGE_TIMEOUT_MS = 120_000  # page load, kernel start
REDRAW_TIMEOUT_MS = 60_000  # one Explore figure redrawn after a control moved
RUN_ALL_TIMEOUT = 600.0  # s, for all cells of one notebook on a loaded CI machine

ENABLE_HINT = (
    "to run it, install the system Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) "
    'and the test extra (`pip install -e ".[test]"`); never `playwright install`'
)

STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
FIGURE = ".jp-OutputArea-output img"
EXPLORE_CELL = ".jp-CodeCell:has(.widget-hbox)"
# The figure that widgets.explore displays after its row of controls.
EXPLORE_FIGURE = ".jp-OutputArea-child:has(.widget-hbox) ~ .jp-OutputArea-child img"
SLIDER_HANDLE = ".widget-slider .noUi-handle"
DROPDOWN = ".widget-dropdown select"
WIDGET_ERRORS = ("Error displaying widget", "Failed to load model class", "Loading widget...")
SOLUTION_SUMMARY = "Output of the worked solution (click to open)"  # course_utils.display
# The text of a cell's outputs that a learner sees: a closed <details> shows only its summary.
# (textContent, since JupyterLab does not render cells out of view.)
VISIBLE_OUTPUT_TEXT = """cell => {
    const area = cell.querySelector(".jp-Cell-outputArea");
    if (area === null) { return ""; }
    const copy = area.cloneNode(true);
    copy.querySelectorAll("details:not([open])").forEach(details => {
        const summary = details.querySelector("summary");
        details.replaceWith(summary === null ? "" : summary.textContent);
    });
    return copy.textContent.trim();
}"""

# Characters a page shows in a font that lacks them (drawn as empty boxes or not at all):
# each non-ASCII character outside typeset maths is drawn on a canvas in its element's font
# and compared with the drawing of a private-use code point that no font has, and with a
# space. Returns {checked: number of characters checked, missing: descriptions}.
MISSING_GLYPHS = r"""(root) => {
  // Characters the page shows in a font that lacks them: each non-ASCII character outside
  // typeset maths is drawn on a canvas in its element's font and compared with the drawing
  // of a private-use code point no font has (the missing-glyph box, or nothing).
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 48;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const draw = (font, text) => {
    ctx.clearRect(0, 0, 48, 48);
    ctx.font = font;
    ctx.textBaseline = "top";
    ctx.fillText(text, 4, 4);
    return Array.from(ctx.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3)).join();
  };
  const fonts = new Map();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!element || element.closest("mjx-container, .MathJax, svg, script, style")) continue;
    const chars = [...walker.currentNode.textContent].filter(c => c.codePointAt(0) > 0x7e && !/\s/u.test(c));
    if (!chars.length) continue;
    const style = getComputedStyle(element);
    const font = `${style.fontStyle} ${style.fontWeight} 32px ${style.fontFamily}`;
    if (!fonts.has(font)) fonts.set(font, new Set());
    chars.forEach(c => fonts.get(font).add(c));
  }
  const missing = [];
  let checked = 0;
  for (const [font, chars] of fonts) {
    const box = draw(font, "\u{10FFFD}");
    const blank = draw(font, " ");
    for (const c of chars) {
      checked += 1;
      const drawn = draw(font, c);
      if (drawn === box || drawn === blank) missing.push(`${c} (U+${c.codePointAt(0).toString(16).toUpperCase()}) in ${font}`);
    }
  }
  return { checked, missing };
}"""


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str):
    """Skip on a learner's machine; fail under CI, where the browser test must run."""
    message = f"browser test: {reason}; {ENABLE_HINT}"
    if under_ci():
        pytest.fail(f"{message} (CI=true: a missing browser is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port() -> int:
    """A port that is free now; the server gets it with no fallback to another one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class LabServer:
    url: str
    token: str
    notebook_dir: Path
    process: subprocess.Popen
    log: Path

    def api(self, path: str, method: str = "GET"):
        query = urllib.parse.urlencode({"token": self.token})
        request = urllib.request.Request(f"{self.url}{path}?{query}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def stop(process: subprocess.Popen) -> None:
    """Stop exactly this process: SIGTERM, then SIGKILL if it is still running."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=SERVER_STOP_TIMEOUT)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    chromium = find_chromium()
    if chromium is None:
        unavailable(f"no Chromium found on PATH (looked for {', '.join(CHROMIUM_NAMES)})")
    playwright = sync_playwright().start()
    try:
        try:
            launched = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        except PlaywrightError as error:
            unavailable(f"Chromium at {chromium} did not start: {error.message.splitlines()[0]}")
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    """One JupyterLab server for all notebooks, on a copy of them and a throwaway profile."""
    home = tmp_path_factory.mktemp("jupyterlab")
    notebook_dir = home / "notebooks"
    # A copy, so running the cells never rewrites the stored outputs in notebooks/.
    shutil.copytree(NOTEBOOK_DIR, notebook_dir)
    # An empty user profile: what a learner sees on a first start comes from the course's
    # own defaults (course_utils/jupyterlab_settings), as `make lab` gives them.
    settings_dir = home / "lab-settings"

    env = dict(os.environ)
    # The learner's own Jupyter, IPython and matplotlib settings must not change the result.
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH", "MPLBACKEND"):
        env.pop(name, None)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings_dir),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
    )
    port = free_port()
    token = secrets.token_hex(24)
    # The command `make lab` runs (course_utils.lab), on the copy, on a fixed port, no browser.
    command = lab_tool.lab_command([
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--LabApp.extension_manager=readonly",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ], as_root=lab_tool.running_as_root(), notebook_dir=notebook_dir)
    log = home / "jupyterlab.log"
    started = time.monotonic()
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = LabServer(f"http://127.0.0.1:{port}", token, notebook_dir, process, log)
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with code {process.returncode} before answering "
                    f"(port {port}); its log:\n{server.log_tail()}", pytrace=False
                )
            try:
                server.api("/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() - started > SERVER_START_TIMEOUT:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT:.0f} s; "
                            f"its log:\n{server.log_tail()}", pytrace=False)
            time.sleep(0.25)
        print(f"JupyterLab (pid {process.pid}) answered on port {port} after "
              f"{time.monotonic() - started:.1f} s; log: {log}")
        yield server
    finally:
        stop(process)


@pytest.fixture(scope="module")
def screenshot_dir(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-screenshots")
    request.config.stash[SCREENSHOT_DIRS].append(folder)  # listed in the summary by conftest.py
    return folder


def notebook_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def browser_exercise(name: str) -> dict | None:
    """The wrong and right answers that tests/test_checks_lessonNN.py gives for this lesson."""
    path = ROOT / "tests" / f"test_checks_lesson{name[:2]}.py"
    if not path.is_file():
        return None
    return getattr(load_module(f"checks_{name[:2]}", path), "BROWSER_EXERCISE", None)


def answer_cell_index(cells: list[dict], exercise: int) -> int:
    """Index of the answer cell of exercise ``exercise`` (the check cell follows it)."""
    prompt = next(i for i, cell in enumerate(cells)
                  if "exercise" in tags(cell) and "".join(cell["source"]).startswith(f"**{exercise}.**"))
    answer = prompt + 1
    assert "answer" in tags(cells[answer]) and "check" in tags(cells[answer + 1])
    return answer


def assert_solutions_stay_hidden(page, cells: list[dict], name: str) -> int:
    """After Run All no worked solution shows its code or output, and no answer is open."""
    dom_cells = page.locator(".jp-Notebook .jp-Cell")
    assert dom_cells.count() == len(cells), f"{name}: {dom_cells.count()} cells shown for {len(cells)}"
    checked = 0
    for index, cell in enumerate(cells):
        if "solution" not in tags(cell):
            continue
        dom = dom_cells.nth(index)
        dom.scroll_into_view_if_needed()
        if cell["cell_type"] == "code":
            placeholder = dom.locator(".jp-InputPlaceholder .jp-PlaceholderText")
            assert placeholder.count() == 1, f"{name}: solution cell {index} shows its code"
            first_line = placeholder.text_content().strip()
            assert first_line.startswith("# Worked solution"), f"{name}: cell {index} collapsed as {first_line!r}"
            shown = dom.evaluate(VISIBLE_OUTPUT_TEXT)
            assert shown == SOLUTION_SUMMARY, f"{name}: solution cell {index} shows {shown[:200]!r}"
        assert dom.locator("details[open]").count() == 0, f"{name}: the answer in cell {index} is open"
        checked += 1
    return checked


def answer_and_check(page, cells: list[dict], exercise: dict, source: str, expected: str, name: str) -> str:
    """Type ``source`` into the exercise's answer cell, run it and its check, return what the check says."""
    index = answer_cell_index(cells, exercise["exercise"])
    dom_cells = page.locator(".jp-Notebook .jp-Cell")
    answer, check = dom_cells.nth(index), dom_cells.nth(index + 1)
    answer.scroll_into_view_if_needed()
    answer.locator(".jp-InputArea-editor .cm-content").click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.insert_text(source)
    page.keyboard.press("Shift+Enter")  # runs the answer cell and selects the check cell
    page.keyboard.press("Shift+Enter")  # runs the check
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        check.locator(".jp-Cell-outputArea", has_text=expected).wait_for(timeout=REDRAW_TIMEOUT_MS)
    except PlaywrightTimeout:
        pass  # the assert below reports what the check said instead
    said = check.locator(".jp-Cell-outputArea").inner_text().strip()
    assert expected in said, f"{name}: after typing {source!r} the check says {said!r}, expected {expected!r}"
    return said


def explore_calls(path: Path) -> int:
    """Code cells of a notebook that call widgets.explore (each shows one Explore widget)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for cell in cells if cell["cell_type"] == "code" and "explore(" in "".join(cell["source"]))


# textContent, not innerText: JupyterLab skips rendering cells out of view
# (content-visibility), and innerText of an unrendered element is empty.
def shown_errors(page) -> list[str]:
    texts = page.locator(STDERR_OUTPUT).all_text_contents()
    outputs = page.locator(".jp-OutputArea-output").all_text_contents()
    texts += [text for text in outputs if any(marker in text for marker in WIDGET_ERRORS)]
    return [text.strip()[:2000] for text in texts]


def kernel_state(lab: LabServer, name: str) -> str | None:
    for session in lab.api("/api/sessions"):
        if session["path"] == name:
            return session["kernel"]["execution_state"]
    return None


def wait_for_kernel(page, lab: LabServer, name: str) -> None:
    """Wait until the notebook's kernel has started and the page is connected to it.

    Run All before the session exists would open JupyterLab's "Select Kernel" dialog.
    """
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while kernel_state(lab, name) != "idle":
        assert time.monotonic() < deadline, f"{name}: the kernel did not start; server log:\n{lab.log_tail()}"
        time.sleep(0.25)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")


# The toolbar's execution indicator stays busy until every cell that Run All scheduled has
# finished (prompts cannot tell: a cell with collapsed input shows none). A watcher notes
# that it went busy, so a stale "idle" from before the click is not taken for the end.
WATCH_INDICATOR = """() => {
    window.__browserTestSawBusy = false;
    const check = () => {
        if (document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='busy']")) {
            window.__browserTestSawBusy = true;
        }
    };
    new MutationObserver(check).observe(document.body, {
        subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"],
    });
}"""
RUN_FINISHED = """() => window.__browserTestSawBusy
    && document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']") !== null"""


def clear_all_outputs(page) -> None:
    """Start from no outputs, so every figure checked below was drawn in this browser."""
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells", exact=True).click()
    page.wait_for_function("() => document.querySelector('.jp-OutputArea-output') === null")


def start_run_all(page, lab: LabServer, name: str) -> None:
    """Open a notebook, wait for its kernel, clear its outputs and click Run > Run All Cells."""
    query = urllib.parse.urlencode({"token": lab.token, "reset": ""})
    page.goto(f"{lab.url}/lab/tree/{urllib.parse.quote(name)}?{query}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    assert page.locator(".jp-NotebookPanel").count() == 1
    wait_for_kernel(page, lab, name)
    clear_all_outputs(page)
    page.evaluate(WATCH_INDICATOR)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def wait_until_run(page, lab: LabServer, name: str) -> None:
    deadline = time.monotonic() + RUN_ALL_TIMEOUT
    while True:
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        assert not dialogs, f"{name}: a dialog opened instead of running the cells: {dialogs}"
        errors = shown_errors(page)
        assert not errors, f"{name}: error or stderr output is shown:\n" + "\n---\n".join(errors)
        if page.evaluate(RUN_FINISHED) and kernel_state(lab, name) == "idle":
            break
        assert time.monotonic() < deadline, f"{name}: Run All Cells did not finish within {RUN_ALL_TIMEOUT:.0f} s"
        time.sleep(0.25)
    prompts = [text.strip() for text in page.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()]
    not_run = [index + 1 for index, text in enumerate(prompts) if text in {"[ ]:", "[*]:"}]
    assert not not_run, f"{name}: code cells {not_run} did not run (prompts {prompts})"


class Lessons:
    """Notebooks opened one ahead: the next lesson's page loads and its cells run while
    the current one is checked, which hides page loads and kernel starts and keeps two
    cores busy. Each lesson has its own browser context, page and kernel."""

    def __init__(self, browser, lab: LabServer, order: list[str]):
        self.browser, self.lab, self.order = browser, lab, order
        self.open: dict[str, tuple] = {}  # name -> (context, page, script errors, start error)

    def start(self, name: str) -> None:
        from playwright.sync_api import Error as PlaywrightError

        if name in self.open:
            return
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        script_errors: list[str] = []
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        try:
            start_run_all(page, self.lab, name)
            error = None
        except (AssertionError, OSError, PlaywrightError) as raised:  # reported by this lesson's own test
            error = raised
        self.open[name] = (context, page, script_errors, error)

    def get(self, name: str) -> tuple:
        self.start(name)
        if name in self.order:
            following = self.order[self.order.index(name) + 1:]
            if following:
                self.start(following[0])
        return self.open[name]

    def close(self, name: str) -> None:
        context = self.open.pop(name)[0]
        context.close()
        # Shut the lesson's kernel down now rather than keep it until the server stops.
        for session in self.lab.api("/api/sessions"):
            if session["path"] == name:
                self.lab.api(f"/api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="module")
def lessons(request, browser, lab):
    order = [
        item.callspec.params["name"] for item in request.session.items
        # nbval's notebook cells are items too, without a module
        if getattr(item, "module", None) is request.module and hasattr(item, "callspec")
    ]
    pipeline = Lessons(browser, lab, order)
    try:
        yield pipeline
    finally:
        for name in list(pipeline.open):
            pipeline.close(name)


def image_size(image) -> tuple[int, int]:
    """Natural size of a figure once the browser has decoded it ((0, 0) if it cannot)."""
    image.scroll_into_view_if_needed()
    return tuple(image.evaluate(
        "img => img.decode().then(() => [img.naturalWidth, img.naturalHeight], () => [0, 0])"
    ))


def change_control(cell) -> str:
    """Move the first control of an Explore cell as a learner would; describe what was done."""
    handles = cell.locator(SLIDER_HANDLE)
    selects = cell.locator(DROPDOWN)
    controls = cell.locator(f"{SLIDER_HANDLE}, {DROPDOWN}")
    assert controls.count() > 0, "an Explore cell shows no slider and no dropdown"
    first = controls.first
    if handles.count() and first.evaluate("e => e.classList.contains('noUi-handle')"):
        before = first.get_attribute("aria-valuenow")
        key = "ArrowLeft" if before == first.get_attribute("aria-valuemax") else "ArrowRight"
        first.focus()
        first.press(key)
        after = first.get_attribute("aria-valuenow")
        assert after != before, f"the slider did not move with {key} (value stays {before})"
        return f"slider {before} -> {after}"
    select = selects.first
    options = select.locator("option").all_text_contents()
    assert len(options) > 1, f"a dropdown offers only {options}"
    index = select.evaluate("s => s.selectedIndex")
    select.select_option(index=(index + 1) % len(options))
    return f"dropdown {options[index]!r} -> {options[(index + 1) % len(options)]!r}"


@contextlib.contextmanager
def learner_page(browser, lab: LabServer):
    """A fresh browser page at a learner's window size; afterwards its context is closed and
    every kernel it started is shut down."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
        for session in lab.api("/api/sessions"):
            lab.api(f"/api/sessions/{session['id']}", method="DELETE")


# First, while the server's workspace is as new as a learner's on a first start.
def test_make_lab_opens_the_contents_page_whose_links_open_lessons_and_the_glossary(browser, lab, screenshot_dir):
    """What `make lab` shows first: the contents page, rendered, with no pop-up over it;
    its links open a lesson as a notebook and the glossary rendered."""
    with learner_page(browser, lab) as page:
        page.goto(f"{lab.url}/?{urllib.parse.urlencode({'token': lab.token})}")
        contents = page.locator(".jp-RenderedMarkdown", has_text="How to work through a lesson")
        contents.wait_for()
        assert "/lab/tree/contents.md" in page.url
        time.sleep(3)  # JupyterLab's news question would appear within a second or two
        assert page.get_by_text("official Jupyter news").count() == 0, "the news pop-up is shown"
        page.screenshot(path=str(screenshot_dir / "contents.png"))

        contents.get_by_role("link", name="Gaussian mixtures and EM").click()
        page.locator(".lm-TabBar-tab.jp-mod-current", has_text="04_gaussian_mixtures_em").wait_for()
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.wait_for()

        page.locator(".lm-TabBar-tab", has_text="contents.md").click()
        contents.get_by_role("link", name="glossary").click()
        page.locator(".jp-RenderedMarkdown", has_text="first used").wait_for()
        assert "glossary.md" in page.locator(".lm-TabBar-tab.jp-mod-current").inner_text()


def test_the_missing_glyph_check_finds_characters_no_font_has(browser):
    """The check below can fail: private-use and unassigned code points are found missing,
    Japanese and the course's other non-ASCII characters are drawn (with a Japanese font
    installed, such as Debian's fonts-noto-cjk, which .ci/run installs)."""
    page = browser.new_page()
    try:
        page.set_content('<p>負担率と「EMアルゴリズム」、θ ≤ → ·</p><p>\ue123 \u0378</p>')
        result = page.evaluate(MISSING_GLYPHS, page.locator("body").element_handle())
    finally:
        page.close()
    assert result["checked"] == 19
    assert [entry.split()[0] for entry in result["missing"]] == ["\ue123", "\u0378"], result["missing"]


def test_the_japanese_edition_opens_from_the_contents_page_with_every_character_drawn(browser, lab, screenshot_dir):
    """`make lab` shows the Japanese edition: the English contents page links the Japanese
    one, which opens a Japanese lesson; no character of that lesson falls back to a
    missing-glyph box."""
    japanese_contents = (NOTEBOOK_DIR / "ja" / "contents.md").read_text(encoding="utf-8")
    heading = japanese_contents.split("\n", 1)[0].lstrip("# ").strip()
    lesson_link = re.search(r"\| 03 \| \[([^\]]+)\]\(03_kmeans\.ipynb\)", japanese_contents).group(1)
    cells = notebook_cells(NOTEBOOK_DIR / "ja" / "03_kmeans.ipynb")
    lesson_heading = re.search(r"^# (.+)$", "".join(cells[0]["source"]), re.MULTILINE).group(1)
    with learner_page(browser, lab) as page:
        page.goto(f"{lab.url}/lab/tree/contents.md?{urllib.parse.urlencode({'token': lab.token})}")
        english = page.locator(".jp-RenderedMarkdown", has_text="How to work through a lesson")
        english.get_by_role("link", name="目次").click()
        japanese = page.locator(".jp-RenderedMarkdown", has_text=heading)
        japanese.wait_for()
        japanese.get_by_role("link", name=lesson_link).click()
        # The notebook opened is the Japanese lesson: it shows the Japanese heading. (Found
        # by its content, since JupyterLab may bring another tab forward while it restores.)
        notebook = page.locator(".jp-NotebookPanel", has=page.locator(".jp-MarkdownCell", has_text=lesson_heading))
        notebook.wait_for(state="attached")
    # Then the lesson on its own, in a fresh workspace, so that no restored tab comes to the
    # front: every Markdown cell rendered, in view.
    with learner_page(browser, lab) as page:
        page.goto(f"{lab.url}/lab/workspaces/japanese/tree/ja/03_kmeans.ipynb?reset&"
                  f"{urllib.parse.urlencode({'token': lab.token})}")
        notebook = page.locator(".jp-NotebookPanel", has=page.locator(".jp-MarkdownCell", has_text=lesson_heading))
        notebook.wait_for()
        page.wait_for_function(
            "([panel, n]) => panel.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown').length === n",
            arg=[notebook.element_handle(), sum(cell["cell_type"] == "markdown" for cell in cells)])
        page.screenshot(path=str(screenshot_dir / "ja_03_kmeans.png"))
        result = page.evaluate(MISSING_GLYPHS, notebook.element_handle())
    # A Japanese lesson uses several hundred distinct kana and kanji.
    assert result["checked"] > 300, result
    assert result["missing"] == [], "drawn as missing-glyph boxes (install a Japanese font, e.g. fonts-noto-cjk)"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_explore_widgets_respond(name, lessons, lab, screenshot_dir):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    screenshot = screenshot_dir / f"{Path(name).stem}.png"
    _, page, script_errors, start_error = lessons.get(name)
    try:
        if start_error is not None:
            raise start_error
        page.bring_to_front()
        wait_until_run(page, lab, name)

        figures = page.locator(FIGURE)
        assert figures.count() > 0, f"{name}: no figure is shown"
        for index in range(figures.count()):
            width, height = image_size(figures.nth(index))
            assert width > 0 and height > 0, f"{name}: figure {index + 1} did not render"

        explore_cells = page.locator(EXPLORE_CELL)
        expected = explore_calls(lab.notebook_dir / name)
        assert explore_cells.count() == expected, (
            f"{name}: {expected} cells call explore(), but {explore_cells.count()} show its controls"
        )
        for index in range(explore_cells.count()):
            cell = explore_cells.nth(index)
            cell.scroll_into_view_if_needed()
            figure = cell.locator(EXPLORE_FIGURE)
            assert figure.count() == 1, f"{name}: Explore cell {index + 1} shows {figure.count()} figures"
            before = figure.get_attribute("src")
            action = change_control(cell)
            try:
                page.wait_for_function(
                    "([cell, before]) => { const img = cell.querySelector("
                    f"{json.dumps(EXPLORE_FIGURE)}); return img !== null && img.src !== before; }}",
                    arg=[cell.element_handle(), before],
                    timeout=REDRAW_TIMEOUT_MS,
                )
            except PlaywrightTimeout:
                pytest.fail(
                    f"{name}: Explore cell {index + 1}: the figure did not change within "
                    f"{REDRAW_TIMEOUT_MS // 1000} s after {action} (an exception raised while redrawing "
                    "is shown in JupyterLab's Log Console, not in the cell)", pytrace=False
                )
            width, height = image_size(cell.locator(EXPLORE_FIGURE))
            assert width > 0 and height > 0, f"{name}: Explore cell {index + 1} redrew an empty figure"
            errors = shown_errors(page)
            assert not errors, f"{name}: after {action}, error output is shown:\n" + "\n---\n".join(errors)

        cells = notebook_cells(lab.notebook_dir / name)
        solutions = assert_solutions_stay_hidden(page, cells, name)
        assert solutions > 0, f"{name}: no worked solution found"
        exercise = browser_exercise(name)
        assert exercise is not None, f"{name}: tests/test_checks_lesson{name[:2]}.py defines no BROWSER_EXERCISE"
        answer_and_check(page, cells, exercise, exercise["wrong"], exercise["hint"], name)
        answer_and_check(page, cells, exercise, exercise["right"], "Right", name)

        # The screenshot shows the first Explore cell, or else the first figure.
        (explore_cells if explore_cells.count() else figures).first.scroll_into_view_if_needed()
        assert not script_errors, f"{name}: uncaught JavaScript errors: {script_errors}"
    finally:
        page.screenshot(path=str(screenshot))
        print(f"screenshot of {name}: {screenshot}")
        lessons.close(name)
