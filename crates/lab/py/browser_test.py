"""Open the lab in a real browser, as a student does, and run a notebook top to bottom.

`cargo lab test` calls this with the URL that `cargo lab open` printed (it carries
the server's token). With headless Chromium driven by Playwright it:

- opens the notebook in JupyterLab and waits for its kernel;
- runs Run > Run All Cells, as a student would, and waits until every cell ran;
- asserts every code cell has an execution count, the page shows at least as many
  SVG charts and HTML tables as the notebook has cells tagged `chart` and `table`,
  no cell shows an error unless it is tagged `raises-exception`, and JupyterLab
  never asked about news or updates;
- asserts that the notebook got the kernel that waited, ready, in its folder (its
  first cell ran as the kernel's fourth execution: evcxr counts from 2, and the
  waiting kernel ran two cells), and that the server lists only the notebook's
  kernel, not the ones waiting;
- asserts that the server refuses an API request without the token (403).

Exit status 0 when all of that holds, 1 with one line per failure otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import sync_playwright

# Chromium as root in a container, with no network beyond localhost: the flags the
# machine's own browser needs (no sandbox as root, no background connections).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def say(*args: object) -> None:
    print(*args, flush=True)


def tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def refused_without_token(base: str) -> str | None:
    """None when /api/contents without a token is refused with 403, else what happened."""
    try:
        with urllib.request.urlopen(f"{base}/api/contents", timeout=30) as response:
            return f"GET /api/contents without a token answered {response.status}, not 403"
    except urllib.error.HTTPError as err:
        return None if err.code == 403 else f"GET /api/contents without a token answered {err.code}, not 403"
    except OSError as err:
        return f"GET /api/contents failed: {err}"


# Reads every cell the page shows now: its place in the notebook, its prompt, and what
# its outputs hold. JupyterLab may leave cells far from view out of the page
# (windowing), so the caller scrolls and merges what each view shows.
COLLECT = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).map(cell => ({
    index: Number(cell.getAttribute('data-windowed-list-index')),
    code: cell.classList.contains('jp-CodeCell'),
    prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
    svg: cell.querySelectorAll('.jp-OutputArea-output svg').length,
    tables: cell.querySelectorAll('.jp-OutputArea-output table').length,
    stderr: cell.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").length,
}))"""


# evcxr numbers a kernel's first execution 2; a kernel that waited ran two cells before.
FIRST_COUNT_OF_A_WAITING_KERNEL = 4


def took_waiting_kernel(first_prompt: str) -> str | None:
    """None when the first code cell's prompt shows the kernel had waited, ready; else why not."""
    digits = "".join(ch for ch in first_prompt if ch.isdigit())
    if digits == str(FIRST_COUNT_OF_A_WAITING_KERNEL):
        return None
    return (f"the first code cell shows {first_prompt.strip() or 'no prompt'}, not "
            f"[{FIRST_COUNT_OF_A_WAITING_KERNEL}]: the notebook did not get the kernel that waited in its folder")


def kernels_listed(base: str, token: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=30) as reply:
        return json.load(reply)


def wait_for_kernelspec(base: str, token: str, name: str, timeout: float) -> str | None:
    """Waits until the server lists the notebook's kernel; a failure line if it never does.

    JupyterLab asks "Select Kernel" when a notebook opens before the server's kernel
    list has reached the page, so the page is opened only once the server has it.
    """
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/kernelspecs?token={token}", timeout=10) as reply:
                seen = sorted(json.load(reply).get("kernelspecs", {}))
            if name in seen:
                return None
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.5)
    return f"the server does not list the kernel {name!r} after {timeout:.0f} s (it lists {seen})"


def answer_kernel_dialog(page, display_name: str) -> bool:
    """If JupyterLab asks which kernel to start, picks the notebook's own, as a student would."""
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel')")
    if dialog.count() == 0:
        return False
    dialog.locator("select").select_option(label=display_name)
    dialog.locator("button.jp-mod-accept").click()
    return True


def collect_cells(page) -> dict[int, dict]:
    """Every cell of the notebook, by index, scrolling through it from the top."""
    seen: dict[int, dict] = {}
    scroller = page.locator(".jp-WindowedPanel-outer").first
    scroller.evaluate("e => e.scrollTo(0, 0)")
    while True:
        for cell in page.evaluate(COLLECT):
            seen[cell["index"]] = cell
        at_end = scroller.evaluate(
            "e => { const before = e.scrollTop; e.scrollBy(0, e.clientHeight * 0.8); return e.scrollTop === before; }")
        time.sleep(0.2)
        if at_end:
            for cell in page.evaluate(COLLECT):
                seen[cell["index"]] = cell
            return seen


def judge(shown: list[dict], code_cells: list[dict]) -> list[str]:
    """What is wrong with the page's code cells (`shown`), against the notebook's (`code_cells`)."""
    failures = []
    if len(shown) != len(code_cells):
        failures.append(f"the page shows {len(shown)} code cells, the notebook has {len(code_cells)}")
    unrun = [n + 1 for n, cell in enumerate(shown) if not any(ch.isdigit() for ch in cell["prompt"])]
    if unrun:
        failures.append(f"code cells without an execution count (by position among code cells): {unrun}")
    for n, (cell, source) in enumerate(zip(shown, code_cells)):
        wanted = tags(source)
        first = next((l for l in "".join(source["source"]).splitlines() if l.strip()), "")[:60]
        if "chart" in wanted and cell["svg"] == 0:
            failures.append(f"code cell {n + 1} is tagged `chart` but shows no SVG chart: {first}")
        if "table" in wanted and cell["tables"] == 0:
            failures.append(f"code cell {n + 1} is tagged `table` but shows no HTML table: {first}")
        if cell["stderr"] and not wanted & {"raises-exception", "allow-stderr"}:
            failures.append(f"code cell {n + 1} shows an error: {first}")
        if "raises-exception" in wanted and not cell["stderr"]:
            failures.append(f"code cell {n + 1} is tagged `raises-exception` but shows no error: {first}")
    return failures


def self_test() -> None:
    """The checks above, on pages that are wrong in known ways: each must be caught."""
    def code(*tag_list):
        return {"cell_type": "code", "source": ["x\n"], "metadata": {"tags": list(tag_list)}}

    def page(prompt="[1]:", svg=0, tables=0, stderr=0):
        return {"prompt": prompt, "svg": svg, "tables": tables, "stderr": stderr}

    notebook = [code(), code("chart"), code("table"), code("raises-exception")]
    right = [page(), page(svg=1), page(tables=1), page(stderr=1)]
    assert judge(right, notebook) == [], judge(right, notebook)
    wrong = {
        "a cell that never ran": [page(prompt="[ ]:"), *right[1:]],
        "a chart cell without a chart": [right[0], page(), *right[2:]],
        "a table cell without a table": [*right[:2], page(), right[3]],
        "an error where none is allowed": [page(stderr=1), *right[1:]],
        "a cell meant to fail that did not": [*right[:3], page()],
        "a cell missing from the page": right[:3],
    }
    for what, shown in wrong.items():
        assert judge(shown, notebook), f"the browser test's checks pass {what}"
    assert took_waiting_kernel("[4]:") is None
    for prompt in ("[2]:", "[ ]:", "[14]:", ""):
        assert took_waiting_kernel(prompt), f"the browser test takes {prompt!r} for a kernel that waited"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the URL `cargo lab open` printed, with its token")
    parser.add_argument("notebook", type=Path, help="the notebook, relative to the server's root folder")
    parser.add_argument("--root", type=Path, required=True, help="the server's root folder (notebooks/)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for Run All to finish")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the page here at the end")
    args = parser.parse_args()
    self_test()

    parsed = urlparse(args.url)
    base = f"{parsed.scheme}://{parsed.netloc}"
    token = parse_qs(parsed.query).get("token", [""])[0]
    if not token:
        say(f"FAIL the URL has no token: {args.url}")
        return 1
    nb = json.loads((args.root / args.notebook).read_text())
    kernel = nb["metadata"]["kernelspec"]
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    charts = sum("chart" in tags(c) for c in code_cells)
    tables = sum("table" in tags(c) for c in code_cells)
    allowed_errors = sum("raises-exception" in tags(c) for c in code_cells)
    failures: list[str] = []

    problem = refused_without_token(base)
    if problem:
        failures.append(problem)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        asked: list[str] = []
        page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        started = time.monotonic()
        problem = wait_for_kernelspec(base, token, kernel["name"], 120)
        if problem:
            say(f"FAIL {problem}")
            return 1
        page.goto(f"{base}/lab/tree/{args.notebook.as_posix()}?token={token}", timeout=120_000)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        # The kernel is ready when the toolbar's status says Idle, with no dialog open, for 2 s in a row.
        deadline = time.monotonic() + 300
        calm_since = None
        while time.monotonic() < deadline:
            if answer_kernel_dialog(page, kernel["display_name"]):
                say(f"  JupyterLab asked which kernel to start; chose {kernel['display_name']}")
            idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
            if idle and page.locator(".jp-Dialog").count() == 0:
                calm_since = calm_since or time.monotonic()
                if time.monotonic() - calm_since >= 2:
                    break
            else:
                calm_since = None
            time.sleep(0.5)
        else:
            failures.append(f"the kernel was not idle within 300 s of opening {args.notebook}")
        say(f"  opened {args.notebook} in JupyterLab; kernel idle after {time.monotonic() - started:.1f} s")

        run_started = time.monotonic()
        # Run All queues every cell; it has started when a prompt shows [*] or a number. Run All acts
        # on JupyterLab's current notebook, so first a click on the first cell's prompt, as a student
        # clicks into a notebook before using its menus (without it, the menu's Run All sometimes
        # started nothing). Should it still start nothing, the test says so and chooses it again, up
        # to three times in 60 s.
        started_any = False
        for attempt in range(3):
            page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first.click()
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            item = page.locator(".lm-Menu-item[data-command='runmenu:run-all']")
            disabled = "lm-mod-disabled" in (item.get_attribute("class") or "")
            item.click()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                prompts = page.locator(".jp-InputPrompt").all_inner_texts()
                if any("*" in p or any(ch.isdigit() for ch in p) for p in prompts):
                    started_any = True
                    break
                time.sleep(0.5)
            if started_any:
                break
            shown = "; the menu showed it disabled" if disabled else ""
            say(f"  Run All started no cell within 20 s (try {attempt + 1} of 3{shown})")
            page.keyboard.press("Escape")
        if not started_any:
            failures.append("Run All started no cell in three tries of 20 s")
        # It is done when the kernel is idle and no prompt shows [*].
        deadline = run_started + args.timeout
        time.sleep(2)
        while time.monotonic() < deadline:
            busy = page.locator(".jp-Notebook-ExecutionIndicator[data-status='busy']").count()
            queued = [c for c in collect_cells(page).values() if "*" in c["prompt"]]
            if busy == 0 and not queued:
                break
            time.sleep(2)
        else:
            failures.append(f"Run All did not finish within {args.timeout:.0f} s")
        say(f"  Run All finished in {time.monotonic() - run_started:.1f} s")

        cells = collect_cells(page)
        shown = [cells[i] for i in sorted(cells) if cells[i]["code"]]
        failures.extend(judge(shown, code_cells))
        if shown:
            problem = took_waiting_kernel(shown[0]["prompt"])
            if problem:
                failures.append(problem)
        listed = kernels_listed(base, token)
        if len(listed) != 1:
            failures.append(f"the server lists {len(listed)} kernels, not only the notebook's: {listed}")
        svg = sum(1 for c in shown if c["svg"])
        html_tables = sum(1 for c in shown if c["tables"])
        say(f"  {len(shown)} code cells ran; charts in {svg} cells (tagged: {charts}), tables in {html_tables} "
            f"cells (tagged: {tables}); cells tagged to fail: {allowed_errors}")
        news = page.get_by_text("Would you like to get notified").count()
        if news or asked:
            failures.append("JupyterLab asked the student about news or updates")
        if args.screenshot:
            page.screenshot(path=str(args.screenshot), full_page=False)
        browser.close()

    for failure in failures:
        say(f"FAIL {failure}")
    if not failures:
        say(f"  ok: {args.notebook} ran top to bottom in a real browser, in the kernel that waited in its folder; "
            "the API refuses requests without the token")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
