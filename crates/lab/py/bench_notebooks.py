"""Time notebooks cell by cell, as a student feels them, under the lab's own kernel.

`cargo lab bench` calls this with the project's venv python and JUPYTER_* variables.
For each notebook it starts a fresh kernel (the time until the kernel answers), runs
the first cell (the `:dep` cell), then every other code cell in order, each timed
from the request until the kernel is idle again: what a student waits for after
Shift-Enter. Cells tagged `long` (a long sweep on purpose) are run but left out of
the statistics. After the notebook, it times a student's edit: a new `fn` integrand
with a 400-size serial sweep, then the same cell with a constant changed.

With `--server URL` (the URL `cargo lab open` printed, token included) each notebook
is opened as JupyterLab opens it: a session through the REST API, cells over the
kernel's websocket, so the kernel is the one the server had waiting in the
notebook's folder; "kernel start" is then from the request until the kernel answers.
Between notebooks it waits `--settle` seconds, for the server to make the next
waiting kernel ready.

It prints one table per run and writes a JSON summary (`--json`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import statistics
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import nbformat
from jupyter_client.manager import KernelManager

KERNEL = "rust"

EDITED_CELL = """\
const BUMP: f64 = {bump};
fn student_f(x: f64) -> f64 {{
    (1.0 + BUMP * x).sqrt() / (1.0 + x * x)
}}
let edited = parlab::serial::sweep(&student_f, &parlab::Setup::new(0.0, 1.0)?, &parlab::sweep::below(400))?;
println!("n = 399: {{:.6}}", edited.points[399].value);
"""


def eprint(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


class Outputs:
    """What a cell's messages say: its errors, its stderr, and whether it failed (a panic included)."""

    def __init__(self) -> None:
        self.failed = False
        self.problems: list[str] = []
        self.stderr: list[str] = []

    def take(self, kind: str, content: dict) -> None:
        if kind == "error":
            self.failed = True
            self.problems.append(content.get("evalue", ""))
        elif kind == "stream" and content.get("name") == "stderr":
            self.stderr.append(content.get("text", ""))
        elif kind == "execute_reply" and content.get("status") == "error":
            self.failed = True

    def verdict(self) -> tuple[bool, str]:
        """(ok, text of errors and stderr). Any stderr text fails the cell, as in `cargo lab run`:
        evcxr prints a `?` error there and nothing else (cells tagged `allow-stderr` are let off)."""
        text = "\n".join(self.problems + self.stderr)
        return not self.failed and not text.strip(), text


class Kernel:
    """One kernel, driven as Jupyter drives it: execute requests, iopub until idle."""

    def __init__(self, cwd: Path, timeout: float):
        self.timeout = timeout
        started = time.monotonic()
        self.km = KernelManager(kernel_name=KERNEL)
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=timeout)
        self.start_seconds = time.monotonic() - started

    def run(self, code: str) -> tuple[float, bool, str]:
        """Runs `code`; returns (seconds until idle, ok, text of errors and stderr)."""
        started = time.monotonic()
        msg_id = self.kc.execute(code, store_history=True)
        outputs = Outputs()
        deadline = started + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return time.monotonic() - started, False, "timed out"
            try:
                msg = self.kc.get_iopub_msg(timeout=left)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                break
            outputs.take(kind, content)
        seconds = time.monotonic() - started
        # The reply to this request: a reply left over from an earlier one is not this cell's.
        reply = self.kc.get_shell_msg(timeout=self.timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=self.timeout)
        outputs.take(reply["msg_type"], reply["content"])
        return (seconds, *outputs.verdict())

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)


class ServerKernel:
    """The kernel of a notebook opened through JupyterLab's REST API, driven over its websocket."""

    def __init__(self, url: str, notebook: str, timeout: float):
        from tornado.websocket import websocket_connect

        parsed = urlparse(url)
        self.base = f"{parsed.scheme}://{parsed.netloc}"
        self.token = parse_qs(parsed.query).get("token", [""])[0]
        self.timeout = timeout
        self.session = uuid.uuid4().hex
        self.loop = asyncio.new_event_loop()
        started = time.monotonic()
        model = self.api("POST", "/api/sessions",
                         {"path": notebook, "name": Path(notebook).name, "type": "notebook", "kernel": {"name": KERNEL}})
        self.session_id = model["id"]
        ws_url = f"ws://{parsed.netloc}/api/kernels/{model['kernel']['id']}/channels?token={self.token}"
        self.ws = self.wait(lambda: websocket_connect(ws_url))
        self.request("kernel_info_request", {})
        self.start_seconds = time.monotonic() - started

    def wait(self, make):
        """Runs the awaitable `make()` returns on this kernel's loop (tornado ties futures to the running loop)."""
        async def inside():
            return await make()

        return self.loop.run_until_complete(inside())

    def api(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "bench",
                  "version": "5.3", "date": ""}
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        self.wait(lambda: self.ws.write_message(json.dumps(message)))
        return msg_id

    def receive(self, deadline: float) -> dict | None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        text = self.wait(lambda: asyncio.wait_for(self.ws.read_message(), left))
        if text is None:
            raise RuntimeError("the kernel's websocket closed")
        return json.loads(text)

    def request(self, msg_type: str, content: dict) -> dict:
        msg_id = self.send(msg_type, content)
        deadline = time.monotonic() + self.timeout
        while (msg := self.receive(deadline)) is not None:
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"].endswith("_reply"):
                return msg
        raise RuntimeError(f"no {msg_type} reply within {self.timeout:.0f} s")

    def run(self, code: str) -> tuple[float, bool, str]:
        """Runs `code`; returns (seconds until idle and replied, ok, text of errors and stderr)."""
        started = time.monotonic()
        msg_id = self.send("execute_request", {"code": code, "silent": False, "store_history": True,
                                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        outputs = Outputs()
        idle = replied = False
        deadline = started + self.timeout
        while not (idle and replied):
            try:
                msg = self.receive(deadline)
            except asyncio.TimeoutError:
                msg = None
            if msg is None:
                return time.monotonic() - started, False, "timed out"
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                idle = True
            replied = replied or kind == "execute_reply"
            outputs.take(kind, content)
        return (time.monotonic() - started, *outputs.verdict())

    def stop(self) -> None:
        self.ws.close()
        self.api("DELETE", f"/api/sessions/{self.session_id}")
        self.loop.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def bench_one(path: Path, args) -> dict:
    nb = nbformat.read(path, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    result: dict = {"notebook": str(path), "name": path.stem, "ok": True, "cells": []}
    total_started = time.monotonic()
    if args.server:
        kernel = ServerKernel(args.server, path.resolve().relative_to(args.root.resolve()).as_posix(), args.timeout)
    else:
        kernel = Kernel(path.resolve().parent, args.timeout)
    result["kernel_start"] = kernel.start_seconds
    try:
        if args.preamble:
            kernel.run(args.preamble)
        for index, cell in enumerate(code_cells):
            seconds, ok, text = kernel.run(cell.source)
            expected_fail = "raises-exception" in tags(cell)
            if not ok and not expected_fail and "allow-stderr" not in tags(cell):
                result["ok"] = False
                eprint(f"    {path.stem} cell {index + 1} failed: {text.strip()[:300]}")
            first_line = next((l for l in cell.source.splitlines() if l.strip()), "")
            result["cells"].append({"index": index + 1, "seconds": seconds, "first_line": first_line,
                                    "long": "long" in tags(cell), "first": index == 0})
            if args.verbose:
                eprint(f"    cell {index + 1:>3}: {seconds:7.2f} s  {first_line[:70]}")
        if args.edit:
            for label, bump in [("new fn integrand + sweep", "0.5"), ("same cell, constant changed", "0.75")]:
                seconds, ok, text = kernel.run(EDITED_CELL.format(bump=bump))
                if not ok:
                    result["ok"] = False
                    eprint(f"    {path.stem} edited cell failed: {text.strip()[:300]}")
                result.setdefault("edits", []).append({"what": label, "seconds": seconds})
    finally:
        kernel.stop()
    result["total"] = time.monotonic() - total_started
    timed = [c["seconds"] for c in result["cells"] if not c["first"] and not c["long"]]
    result["dep_cell"] = result["cells"][0]["seconds"] if result["cells"] else float("nan")
    result["median"] = statistics.median(timed) if timed else float("nan")
    result["p90"] = percentile(timed, 0.9)
    slowest = max((c for c in result["cells"] if not c["first"] and not c["long"]), key=lambda c: c["seconds"],
                  default=None)
    result["slowest"] = slowest
    result["cells_timed"] = len(timed)
    result["notebook_seconds"] = sum(c["seconds"] for c in result["cells"] if not c["long"])
    return result


def load_average() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {len(os.sched_getaffinity(0))} threads available, {sys.platform}"


def spread(values: list[float]) -> str:
    """`median (min–max)` of a list of seconds."""
    if not values:
        return "-"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.2f} s"
    return f"{med:.2f} s ({min(values):.2f}–{max(values):.2f})"


def report(runs: list[dict], markdown: bool, load_before, load_after, server: bool) -> str:
    names = list(dict.fromkeys(r["name"] for r in runs))
    lines = []
    item = "- " if markdown else ""
    lines.append(f"{item}machine: {machine()}")
    show = lambda x: "unknown" if x is None else f"{x:.2f}"
    lines.append(f"{item}load average (1 min): {show(load_before)} before, {show(load_after)} after")
    lines.append(f"{item}kernels: " + ("opened through JupyterLab (`cargo lab open`), each notebook taking the kernel "
                                       "that waited in its folder" if server else "a fresh one per notebook, started "
                                       "directly (no JupyterLab)"))
    rounds = max((sum(1 for r in runs if r["name"] == n) for n in names), default=0)
    lines.append(f"{item}{rounds} round(s), notebooks interleaved; each cell of a notebook is one value; "
                 "a row shows the median over rounds (min–max)")
    lines.append("")
    header = ["notebook", "kernel start", "dependency cell", "median cell", "p90 cell", "slowest cell",
              "whole notebook", "cells"]
    rows = []
    for name in names:
        mine = [r for r in runs if r["name"] == name]
        slowest = max((r["slowest"] for r in mine if r.get("slowest")), key=lambda c: c["seconds"], default=None)
        slow = f"{slowest['seconds']:.2f} s: `{slowest['first_line'][:40]}`" if slowest else "-"
        rows.append([name, spread([r["kernel_start"] for r in mine]), spread([r["dep_cell"] for r in mine]),
                     spread([r["median"] for r in mine]), spread([r["p90"] for r in mine]), slow,
                     spread([r["notebook_seconds"] for r in mine]), str(mine[0]["cells_timed"])])
    lines.extend(table(header, rows, markdown))
    edits = {}
    for r in runs:
        for e in r.get("edits", []):
            edits.setdefault(e["what"], []).append(e["seconds"])
    if edits:
        lines.append("")
        lines.extend(table(["a student's edit (after each notebook)", "time"],
                           [[what, spread(values)] for what, values in edits.items()], markdown))
    lines.append("")
    lines.append("kernel start: until the kernel answers; dependency cell: the first cell (its :dep lines); "
                 "median and p90 over every other cell, leaving out cells tagged `long`; whole notebook: every "
                 "cell but the `long` ones, kernel start left out")
    return "\n".join(lines)


def table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
        out += ["| " + " | ".join(row) + " |" for row in rows]
        return out
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return [fmt(header).rstrip()] + [fmt(row).rstrip() for row in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--rounds", type=int, default=3, help="run every notebook this many times, interleaved")
    parser.add_argument("--no-edit", dest="edit", action="store_false", help="skip the edited-integrand cells")
    parser.add_argument("--preamble", default="", help="a cell run first in each kernel, untimed (e.g. :timing)")
    parser.add_argument("--server", help="open notebooks through this JupyterLab (the URL with its token)")
    parser.add_argument("--root", type=Path, default=Path("notebooks"), help="the server's root folder")
    parser.add_argument("--settle", type=float, default=60,
                        help="with --server, seconds between notebooks, for the next waiting kernel")
    parser.add_argument("--json", type=Path, help="write every run's numbers here")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--verbose", action="store_true", help="print every cell's time")
    args = parser.parse_args()
    load_before = load_average()
    runs = []
    for round_index in range(args.rounds):
        for path in args.notebooks:
            if args.server:
                eprint(f"  {args.settle:.0f} s for JupyterLab to make a waiting kernel ready")
                time.sleep(args.settle)
            eprint(f"  round {round_index + 1} of {args.rounds}: {path.stem}")
            runs.append(bench_one(path, args))
            r = runs[-1]
            edits = "  ".join(f"{e['what']} {e['seconds']:.2f} s" for e in r.get("edits", []))
            eprint(f"    start {r['kernel_start']:.2f} s, dependency cell {r['dep_cell']:.2f} s, median {r['median']:.2f} s, "
                   f"p90 {r['p90']:.2f} s, notebook {r['notebook_seconds']:.1f} s  {edits}")
    load_after = load_average()
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    print(report(runs, args.markdown, load_before, load_after, args.server is not None))
    failed = [r["name"] for r in runs if not r["ok"]]
    if failed:
        eprint(f"error: cells failed in {', '.join(dict.fromkeys(failed))}: the times above include failing cells")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
