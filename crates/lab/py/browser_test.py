"""Open the lab in a real browser, as a student does, and run a notebook top to bottom.

`cargo lab test` calls this with the URL that `cargo lab open` printed (it carries
the server's token). With headless Chromium driven by Playwright it:

- opens the notebook in JupyterLab and waits for its kernel;
- runs Run > Run All Cells, as a student would, and waits until every cell ran;
- asserts every code cell has an execution count, the page shows at least as many
  SVG charts and HTML tables as the notebook has cells tagged `chart` and `table`,
  no cell shows an error unless it is tagged `raises-exception`, and JupyterLab
  never asked about news or updates;
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the URL `cargo lab open` printed, with its token")
    parser.add_argument("notebook", type=Path, help="the notebook, relative to the server's root folder")
    parser.add_argument("--root", type=Path, required=True, help="the server's root folder (notebooks/)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for Run All to finish")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the page here at the end")
    args = parser.parse_args()

    parsed = urlparse(args.url)
    base = f"{parsed.scheme}://{parsed.netloc}"
    token = parse_qs(parsed.query).get("token", [""])[0]
    if not token:
        say(f"FAIL the URL has no token: {args.url}")
        return 1
    nb = json.loads((args.root / args.notebook).read_text())
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
        page.goto(f"{base}/lab/tree/{args.notebook.as_posix()}?token={token}", timeout=120_000)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        # The kernel is ready when the toolbar's status says Idle.
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=300_000)
        say(f"  opened {args.notebook} in JupyterLab; kernel idle after {time.monotonic() - started:.1f} s")

        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-item[data-command='notebook:run-all-cells']")
        run_started = time.monotonic()
        # Run All queues every cell; done when the kernel is idle and no prompt shows [*].
        deadline = run_started + args.timeout
        time.sleep(2)
        while time.monotonic() < deadline:
            busy = page.locator(".jp-Notebook-ExecutionIndicator[data-status='busy']").count()
            pending = page.locator(".jp-CodeCell .jp-InputPrompt:text-matches('\\\\[\\\\*\\\\]')").count()
            if busy == 0 and pending == 0:
                break
            time.sleep(1)
        else:
            failures.append(f"Run All did not finish within {args.timeout:.0f} s")
        say(f"  Run All finished in {time.monotonic() - run_started:.1f} s")

        prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
        unrun = [i + 1 for i, p in enumerate(prompts) if not any(ch.isdigit() for ch in p)]
        if len(prompts) != len(code_cells):
            failures.append(f"the page shows {len(prompts)} code cells, the notebook has {len(code_cells)}")
        if unrun:
            failures.append(f"code cells without an execution count: {unrun}")
        svg = page.locator(".jp-OutputArea-output svg").count()
        html_tables = page.locator(".jp-OutputArea-output table").count()
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
        error_outputs = page.locator(".jp-OutputArea-child .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count()
        say(f"  {len(prompts)} code cells ran; {svg} SVG charts (tagged: {charts}), {html_tables} HTML tables "
            f"(tagged: {tables}); {error_outputs} error outputs (allowed: {allowed_errors}), {errors} stderr outputs")
        if svg < charts:
            failures.append(f"{svg} SVG charts rendered, but {charts} cells are tagged `chart`")
        if html_tables < tables:
            failures.append(f"{html_tables} HTML tables rendered, but {tables} cells are tagged `table`")
        if error_outputs > allowed_errors:
            failures.append(f"{error_outputs} cells show an error; only {allowed_errors} are tagged `raises-exception`")
        news = page.get_by_text("Would you like to get notified").count()
        if news or asked:
            failures.append("JupyterLab asked the student about news or updates")
        if args.screenshot:
            page.screenshot(path=str(args.screenshot), full_page=False)
        browser.close()

    for failure in failures:
        say(f"FAIL {failure}")
    if not failures:
        say(f"  ok: {args.notebook} ran top to bottom in a real browser; the API refuses requests without the token")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
