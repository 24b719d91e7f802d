"""Execute notebooks headless through a real Jupyter client (nbclient) against the evcxr kernel.

`cargo lab run` calls this with the project's venv python and the project-local
JUPYTER_* variables; it can also be run by hand the same way.

What makes a notebook fail, and how each is seen (evcxr_jupyter 0.22):

- compile error: the kernel sends an `error` output (ename "Error").
- panic: with the default `:preserve_vars_on_panic 1` the kernel catches it and
  reports success, with only "thread ... panicked at" on stderr. We run
  `:preserve_vars_on_panic 0` first (without touching the notebook), so a panic
  aborts evcxr's worker process and the kernel sends an `error` output
  ("Subprocess terminated ... SIGABRT"). Any stderr text containing
  "panicked at" also fails the cell, so a panic caught elsewhere is seen too.
- `?` error (`Err(e)?` in a cell): the kernel reports success in both modes;
  evcxr only prints the error to stderr. So any stderr text fails a cell,
  unless the cell is tagged `allow-stderr`.
- a cell tagged `chart` with no `text/html` output containing `<svg`
  (or an `image/svg+xml` output), a cell tagged `table` with no `text/html`
  output containing `<table`.
- a cell tagged `raises-exception` (Jupyter's own tag) must fail: a demonstration
  of a compile error that starts compiling is itself a failure.
- a timeout, or the kernel dying or not starting.

Cells tagged `check` are exercise checks. With --expect-checks-fail (the student
version of a lab) every `check` cell must fail and nothing else counts.

Exit status: 0 when every notebook passed, 1 when one failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async

KERNEL = "rust"
PREAMBLE = ":preserve_vars_on_panic 0"
# A command that compiles nothing and changes nothing: it prints the kernel's build folder.
TRAILER = ":last_compile_dir"
# How many failing cells of a notebook are reported in full.
FULL_REPORTS = 3
# How many of one cell's errors are shown.
TEXTS_PER_CELL = 3
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PATH_DEP = re.compile(r'path\s*=\s*"([^"]+)"')


# With --jobs > 1, several notebooks run at once: each thread's lines carry its notebook's name.
_local = threading.local()
_print_lock = threading.Lock()


def _prefixed(args: tuple) -> str:
    text = " ".join(str(a) for a in args)
    prefix = getattr(_local, "prefix", "")
    return "\n".join(prefix + line for line in text.split("\n")) if prefix else text


def eprint(*args: object) -> None:
    with _print_lock:
        print(_prefixed(args), file=sys.stderr, flush=True)


def say(*args: object) -> None:
    with _print_lock:
        print(_prefixed(args), flush=True)


def plain(text: str) -> str:
    return ANSI.sub("", text)


def fmt_secs(secs: float) -> str:
    if secs < 60:
        return f"{secs:.1f} s"
    return f"{int(secs // 60)} min {secs % 60:04.1f} s"


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def first_code_cell(nb) -> int | None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.strip():
            return i
    return None


def source_head(cell, lines: int = 3) -> str:
    src = cell.source.splitlines()
    head = "\n".join("      | " + line for line in src[:lines])
    if len(src) > lines:
        head += f"\n      | ... ({len(src) - lines} more lines)"
    return head


class Heartbeat:
    """Says what a long cell is doing: elapsed time and the kernel's last build line.

    evcxr writes cargo's progress ("Compiling polars-core ...") to the kernel's
    own stderr, which we send to a log file; this shows its last line.
    """

    def __init__(self, log_path: Path, interval: float):
        self.log_path = log_path
        self.interval = interval
        self.label = ""
        self.started = 0.0
        self.active = False
        self.tty = sys.stdout.isatty()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def begin(self, label: str) -> None:
        self.label, self.started, self.active = label, time.monotonic(), True

    def end(self) -> None:
        self.active = False
        if self.tty:
            sys.stdout.write("\r\x1b[2K")
            sys.stdout.flush()

    def stop(self) -> None:
        self._stop.set()

    def _last_log_line(self) -> str:
        """The kernel's build progress: how many crates it started compiling, and the latest."""
        try:
            text = plain(self.log_path.read_bytes().decode("utf-8", "replace"))
        except OSError:
            return ""
        lines = [l.strip() for l in text.splitlines() if l.strip()]
        compiling = [l for l in lines if l.startswith("Compiling ")]
        if not compiling:
            return ""
        return f"compiling crate {len(compiling)}: {compiling[-1][len('Compiling '):][:60]}"

    def _run(self) -> None:
        tick = 1.0 if self.tty else self.interval
        while not self._stop.wait(tick):
            if not self.active:
                continue
            elapsed = time.monotonic() - self.started
            if not self.tty and elapsed < self.interval:
                continue
            status = f"    {self.label}: running {fmt_secs(elapsed)}"
            last = self._last_log_line()
            if last:
                status += f"  [{last}]"
            if self.tty:
                sys.stdout.write("\r\x1b[2K" + status[:150])
                sys.stdout.flush()
            else:
                say(status)


class SettlingClient(NotebookClient):
    """A NotebookClient that waits for a cell's late stderr before the next cell starts.

    evcxr forwards its worker's stderr on a thread of its own and does not wait
    for it before reporting a cell done, so a `?` error's message can arrive
    after the cell's idle status. evcxr tags late lines with the latest request,
    so while we wait they still belong to this cell; without the wait they would
    land on the next cell, or be lost after the last one.
    """

    settle = 0.5

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        deadline = time.monotonic() + self.settle
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
            except Exception:  # noqa: BLE001 - queue.Empty: nothing more arrived
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id and msg["msg_type"] == "stream":
                self.process_message(msg, cell, cell_index)


def panic_messages(stderr: str) -> str:
    """The panics in a cell's stderr: where, and the message, without backtraces.

    With `:preserve_vars_on_panic 0` a panic also unwinds out of evcxr's
    `extern "C"` entry point, which Rust turns into a second panic ("panic in
    a function that cannot unwind") and an abort: that one is left out.
    """
    blocks: list[list[str]] = []
    for line in stderr.splitlines():
        if "panicked at" in line:
            blocks.append([line.strip()])
        elif blocks and len(blocks[-1]) < 8:
            quiet = line.strip()
            if quiet.startswith(("stack backtrace:", "note: ", "thread caused non-unwinding panic")) or re.match(r"\d+: |at ", quiet):
                blocks[-1].append("")  # ends the message
            elif blocks[-1][-1] != "" and quiet:
                blocks[-1].append(quiet)
    kept = [b for b in blocks if not any("panic in a function that cannot unwind" in l for l in b)] or blocks
    return "\n".join(l for b in kept for l in b if l)


def cell_problems(cell, reply_status: str | None) -> list[tuple[str, str]]:
    """What went wrong in one executed cell, as (kind, text) pairs."""
    problems: list[tuple[str, str]] = []
    cell_tags = tags(cell)
    stderr = ""
    errors: list[tuple[str, str]] = []
    html: list[str] = []
    has_svg_image = False
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "error":
            evalue = plain(out.get("evalue", ""))
            errors.append((evalue, plain("\n".join(out.get("traceback", []))) or evalue))
        elif kind == "stream" and out.get("name") == "stderr":
            stderr += out.get("text", "")
        elif kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            if "text/html" in data:
                value = data["text/html"]
                html.append("".join(value) if isinstance(value, list) else value)
            if "image/svg+xml" in data:
                has_svg_image = True
    panicked = "panicked at" in stderr
    if panicked:
        problems.append(("panic", panic_messages(stderr)))
    for evalue, trace in errors:
        if "Subprocess terminated" in evalue:
            # evcxr's worker process died: after a panic (reported above), or on its own.
            if not panicked:
                problems.append(("crash", trace + ("\n" + stderr if stderr.strip() else "")))
        else:
            problems.append(("compile error", trace))
    if not panicked and stderr.strip() and "allow-stderr" not in cell_tags:
        problems.append(("`?` error or stderr output", stderr))
    if reply_status == "error" and not problems:
        problems.append(("kernel error", "the kernel replied with status error and no output"))
    if "chart" in cell_tags and not (has_svg_image or any("<svg" in h for h in html)):
        problems.append(("no chart", "tagged `chart`, but no text/html output contains <svg"))
    if "table" in cell_tags and not any("<table" in h for h in html):
        problems.append(("no table", "tagged `table`, but no text/html output contains <table"))
    return problems


def shorten(text: str, lines: int = 12) -> str:
    kept = [l for l in text.strip().splitlines() if l.strip()]
    # A panic's backtrace buries the message: keep the message, drop the frames.
    kept = [l for l in kept if not re.match(r"\s+(\d+: |at )", l)]
    out = kept[:lines]
    if len(kept) > lines:
        out.append(f"... ({len(kept) - lines} more lines)")
    return "\n".join("      > " + l for l in out)


def display_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()).with_suffix(""))
        except ValueError:
            pass
    return path.stem


def warm_key(nb, nb_dir: Path) -> str:
    """Two first cells that load the same crates warm the same cache entries."""
    index = first_code_cell(nb)
    if index is None:
        return ""
    src = nb.cells[index].source
    return PATH_DEP.sub(lambda m: f'path = "{(nb_dir / m.group(1)).resolve()}"', src).strip()


def run_one(path: Path, args, root: Path | None, out_dir: Path) -> dict:
    name = display_name(path, root)
    nb_dir = path.resolve().parent
    started = time.monotonic()
    result = {"notebook": str(path), "name": name, "ok": False, "seconds": 0.0, "cells": [], "failures": []}
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # noqa: BLE001 - any unreadable notebook is one clear failure
        result["failures"].append({"cell": None, "kind": "unreadable", "text": f"{err}"})
        say(f"FAIL {name}: cannot read {path}: {err}")
        return result

    spec = nb.metadata.get("kernelspec", {}).get("name")
    if spec not in (None, KERNEL):
        eprint(f"  note: {name} declares kernel {spec!r}; running it with {KERNEL!r}")

    first = first_code_cell(nb)
    if args.warm:
        if first is None:
            say(f"  {name}: no code cell, nothing to warm")
            result["ok"] = True
            return result
        nb.cells = [nb.cells[first]]
        first = 0

    # The preamble is a cell of our own, removed again before anything is written.
    # So is the trailer, which collects stderr that arrives after the last cell.
    preamble = nbformat.v4.new_code_cell(PREAMBLE) if not args.expect_checks_fail else None
    trailer = nbformat.v4.new_code_cell(TRAILER)
    cells = list(nb.cells)
    nb.cells = ([preamble] if preamble is not None else []) + cells + [trailer]
    first_cell = cells[first] if first is not None else None

    def timeout_for(cell) -> int:
        if cell is preamble or cell is trailer:
            return args.startup_timeout
        return args.first_cell_timeout if cell is first_cell else args.cell_timeout

    log_path = out_dir / f"{name}.kernel.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    heartbeat = Heartbeat(log_path, args.heartbeat)
    timings: dict[int, float] = {}
    replies: dict[int, str] = {}
    clock: dict[str, float] = {}
    offset = 1 if preamble is not None else 0

    def on_execute(cell, cell_index, **_):
        clock["t"] = time.monotonic()
        if cell is not preamble and cell is not trailer:
            heartbeat.begin(f"cell {cell_index - offset + 1}")

    def on_executed(cell, cell_index, execute_reply, **_):
        heartbeat.end()
        timings[cell_index] = time.monotonic() - clock.get("t", time.monotonic())
        if execute_reply is not None:
            replies[cell_index] = execute_reply.get("content", {}).get("status")
        if cell is trailer:
            adopt_late_stderr()
        elif cell is not preamble:
            report_cell(cell_index - offset, cell, timings[cell_index])

    def adopt_late_stderr() -> None:
        for out in trailer.outputs:
            text = out.get("text", "") if out.get("output_type") == "stream" else out.get("data", {}).get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            if out.get("name") != "stderr" and text.strip():
                result["build_dir"] = text.strip().splitlines()[-1].strip()
        late = [o for o in trailer.outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"]
        last = max((i for i in range(len(cells)) if (i + offset) in timings), default=None)
        if late and last is not None:
            cells[last].outputs.extend(late)
            say(f"    cell {last + 1:>3}: late stderr: " + ", ".join(kind for kind, _ in cell_problems(cells[last], None)))

    def report_cell(index: int, cell, secs: float) -> None:
        problems = cell_problems(cell, replies.get(index + offset))
        mark = "ok" if not problems else kinds_summary([kind for kind, _ in problems])
        extra = f" [{', '.join(sorted(tags(cell)))}]" if tags(cell) else ""
        say(f"    cell {index + 1:>3}{extra}: {fmt_secs(secs):>12}  {mark}")

    client = SettlingClient(
        nb,
        kernel_name=KERNEL,
        timeout=args.cell_timeout,
        timeout_func=timeout_for,
        startup_timeout=args.first_cell_timeout if args.warm else args.startup_timeout,
        allow_errors=True,
        interrupt_on_timeout=False,
        coalesce_streams=True,
        record_timing=False,
        resources={"metadata": {"path": str(nb_dir)}},
        on_cell_execute=on_execute,
        on_cell_executed=on_executed,
    )

    say(f"  {name}  ({path})")
    result["started"] = time.monotonic()
    fatal = None
    with open(log_path, "wb") as kernel_log:
        try:
            client.execute(stderr=kernel_log, stdout=kernel_log)
        except CellTimeoutError as err:
            fatal = ("timeout", plain(str(err)).splitlines()[0] if str(err) else "cell timed out")
        except DeadKernelError as err:
            fatal = ("kernel died", str(err) or "the kernel died")
        except RuntimeError as err:
            fatal = ("kernel did not start", f"{err}")
        except Exception as err:  # noqa: BLE001 - reported as a failure, with its type
            fatal = ("runner error", f"{type(err).__name__}: {err}")
        finally:
            heartbeat.end()
            heartbeat.stop()

    nb.cells = cells
    result["ended"] = time.monotonic()
    result["seconds"] = time.monotonic() - started

    checks_seen = 0
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        cell_tags = tags(cell)
        executed = (index + offset) in timings
        problems = cell_problems(cell, replies.get(index + offset)) if executed else []
        entry = {"cell": index + 1, "seconds": timings.get(index + offset), "tags": sorted(cell_tags),
                 "problems": [kind for kind, _ in problems]}
        result["cells"].append(entry)
        if not executed:
            continue
        if args.expect_checks_fail:
            if "check" in cell_tags:
                checks_seen += 1
                if not problems:
                    result["failures"].append({"cell": index + 1, "kind": "check passed",
                                               "text": "a `check` cell passed in the student version: the exercise is already solved",
                                               "source": cell.source})
            continue
        if "raises-exception" in cell_tags:
            if not problems or all(kind in ("no chart", "no table") for kind, _ in problems):
                result["failures"].append({"cell": index + 1, "kind": "expected an error",
                                           "text": "tagged `raises-exception`, but the cell ran without error",
                                           "source": cell.source})
            continue
        for kind, text in problems:
            result["failures"].append({"cell": index + 1, "kind": kind, "text": text, "source": cell.source})

    if args.expect_checks_fail and checks_seen == 0 and fatal is None:
        result["failures"].append({"cell": None, "kind": "no checks", "text": "no cell tagged `check` ran"})
    if fatal is not None:
        kind, text = fatal
        stuck = next((i for i, c in enumerate(cells) if c.cell_type == "code" and (i + offset) not in timings
                      and c.source.strip()), None)
        result["failures"].append({"cell": None if stuck is None else stuck + 1, "kind": kind, "text": text,
                                   "source": None if stuck is None else cells[stuck].source})

    if not args.warm:
        write_outputs(nb, out_dir, name)
    result["ok"] = not result["failures"]
    verdict = "ok" if result["ok"] else "FAIL"
    say(f"  {verdict} {name}: {fmt_secs(result['seconds'])}" + (f", {len(cells)} cells" if not args.warm else ", first cell"))
    report_failures(result["failures"], out_dir, name, args.warm)
    return result


def kinds_summary(kinds: list[str]) -> str:
    """`compile error, compile error, no chart` as `2 compile errors, no chart`."""
    counted = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
    return ", ".join(k if n == 1 else f"{n} {k}s" for k, n in counted.items())


def report_failures(failures: list[dict], out_dir: Path, name: str, warm: bool) -> None:
    """One block per failing cell: its first lines, then what went wrong.

    Later cells often fail only because an earlier one did (a missing `:dep`,
    a variable a panic took away), so the first few are shown in full and the
    rest in one line each.
    """
    by_cell: dict = {}
    for failure in failures:
        by_cell.setdefault(failure["cell"], []).append(failure)
    for shown, (cell, group) in enumerate(by_cell.items()):
        where = f"cell {cell}" if cell else "notebook"
        kinds = kinds_summary([f["kind"] for f in group])
        if shown >= FULL_REPORTS:
            first = next((l for f in group for l in plain(f["text"]).splitlines() if l.strip()), "")
            say(f"    {where}: {kinds}: {first.strip()[:100]}")
            continue
        say(f"    {where}: {kinds}")
        if group[0].get("source"):
            say(source_head(nbformat.from_dict({"source": group[0]["source"]})))
        for failure in group[:TEXTS_PER_CELL]:
            say(shorten(failure["text"], lines=12 if len(group) == 1 else 4))
        if len(group) > TEXTS_PER_CELL:
            say(f"      ({len(group) - TEXTS_PER_CELL} more in this cell)")
    if len(by_cell) > FULL_REPORTS:
        say(f"    (cells after the first {FULL_REPORTS} shown in one line; often they fail because an earlier one did)")
    if failures and not warm:
        say(f"    the executed notebook: {out_dir / (name + '.html')}")


def write_outputs(nb, out_dir: Path, name: str) -> None:
    from nbconvert import HTMLExporter

    target = out_dir / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    try:
        body, _ = HTMLExporter().from_notebook_node(nb)
        (out_dir / f"{name}.html").write_text(body, encoding="utf-8")
    except Exception as err:  # noqa: BLE001 - the executed notebook is still written
        eprint(f"  warning: could not write {name}.html: {type(err).__name__}: {err}")


def check_own_build_folders(results: list[dict]) -> None:
    """Kernels that ran at the same time must each have built in a folder of their own."""
    for i, a in enumerate(results):
        for b in results[i + 1:]:
            overlap = a.get("started", 0) < b.get("ended", 0) and b.get("started", 0) < a.get("ended", 0)
            if overlap and a.get("build_dir") and a.get("build_dir") == b.get("build_dir"):
                for r, other in ((a, b), (b, a)):
                    r["ok"] = False
                    r["failures"].append({"cell": None, "kind": "shared build folder",
                                          "text": f"ran at the same time as {other['name']} in the same build folder {r['build_dir']}"})
                say(f"FAIL {a['name']} and {b['name']} ran at once in one build folder: {a['build_dir']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="folder for executed copies and HTML pages")
    parser.add_argument("--root", type=Path, help="notebooks folder; output names keep paths relative to it")
    parser.add_argument("--warm", action="store_true", help="run only each notebook's first code cell, write nothing")
    parser.add_argument("--expect-checks-fail", action="store_true",
                        help="student version: every `check` cell must fail, nothing else counts")
    parser.add_argument("--first-cell-timeout", type=int, default=1200)
    parser.add_argument("--cell-timeout", type=int, default=600)
    # A kernel loads the lab's crates as it starts (evcxr.toml): seconds from a warm
    # build folder, minutes when the warm-up builds them.
    parser.add_argument("--startup-timeout", type=int, default=600)
    parser.add_argument("--heartbeat", type=float, default=30.0, help="seconds between progress lines when not a terminal")
    parser.add_argument("--summary", type=Path, help="write a JSON summary here")
    parser.add_argument("--jobs", type=int, default=1, help="run this many notebooks at once, each in its own kernel")
    args = parser.parse_args()

    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        eprint(f"error: no such notebook: {', '.join(missing)}")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)

    todo = []
    warmed: dict[str, str] = {}
    for path in args.notebooks:
        if args.warm:
            nb = nbformat.read(path, as_version=4)
            key = warm_key(nb, path.resolve().parent)
            if key and key in warmed:
                say(f"  {display_name(path, args.root)}: same first cell as {warmed[key]}, already warm")
                continue
            warmed[key] = display_name(path, args.root)
        todo.append(path)

    def run_prefixed(path: Path) -> dict:
        if args.jobs > 1:
            _local.prefix = f"[{display_name(path, args.root)}] "
        return run_one(path, args, args.root, args.out)

    if args.jobs > 1:
        from concurrent.futures import ThreadPoolExecutor

        say(f"  {len(todo)} notebooks, {args.jobs} at a time, each in a kernel of its own")
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(run_prefixed, todo))
        check_own_build_folders(results)
    else:
        results = [run_prefixed(path) for path in todo]

    if args.summary:
        args.summary.parent.mkdir(parents=True, exist_ok=True)
        args.summary.write_text(json.dumps(results, indent=1), encoding="utf-8")
    failed = [r["name"] for r in results if not r["ok"]]
    total = sum(r["seconds"] for r in results)
    say(f"{len(results) - len(failed)} passed, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else "")
        + f" ({fmt_secs(total)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
