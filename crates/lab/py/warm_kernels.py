"""Kernels that are ready before a notebook asks for one.

JupyterLab starts a notebook's kernel when the notebook opens. The lab's Rust
kernel (evcxr) then takes seconds to start, and the notebook's first cell (its
`:dep` lines) seconds more, as rust-analyzer inside evcxr loads the crates. With
this kernel manager (`cargo lab open` sets it as JupyterLab's
`ServerApp.kernel_manager_class`) one Rust kernel waits in each notebook folder
with that first cell already run, and the next notebook opened in that folder
gets it at once; another waiting kernel starts a little later, in the
background.

What a student sees of it: the notebook's first cell finds its crates loaded,
the first cell that makes a variable finds rust-analyzer's work done, and the
execution counts start two higher (the waiting kernel ran two cells). A new
notebook, or one whose first cell is not the one the waiting kernel ran, starts a
kernel of its own, so no notebook runs on crates it did not load itself. Kernels
wait only in the configured folders (`warm_paths`): each holds about 0.7 GB. The
waiting kernels do not show among the running kernels, and they stop with the
server. A folder whose first cell fails to run gets no waiting
kernel: its notebooks start theirs as usual, and show the error themselves.

Written here rather than taken from a kernel-pool package: the one there is
(hotpot_km) keeps one pool per kernel name, not per folder, so a kernel started
for `notebooks/` would run `notebooks/solutions/`'s relative `:dep` paths.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import warnings
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float, List, Unicode


def dep_cell(notebook: Path) -> str | None:
    """The notebook's first code cell, when it is made of `:dep` lines (blank lines and spaces dropped)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return None
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        lines = [line.strip() for line in source.splitlines() if line.strip()]
        if lines and all(line.startswith(":dep ") for line in lines):
            return "\n".join(lines)
        return None
    return None


def first_dep_cell(folder: Path) -> str | None:
    """The `:dep` cell of the folder's first notebook (by name) that has one."""
    for notebook in sorted(folder.glob("*.ipynb")):
        found = dep_cell(notebook)
        if found is not None:
            return found
    return None


# Code of the shapes the notebooks' cells are made of: iterator chains, closures, a generic
# fn taking a closure, `?`, formatting. rust-analyzer infers the warm-up closure's body, and
# what it works out about std's traits on the way stays cached for the cells that follow:
# without it, a notebook's first cell with such code waits 0.3-0.8 s longer for its types.
WARM_UP_BODY = """
    fn twice<T>(mut f: impl FnMut() -> T) -> T { f(); f() }
    let xs: Vec<f64> = (1..=10u64).step_by(2).map(|i| i as f64 * 0.5).collect();
    let total: f64 = xs.iter().sum();
    let big: Vec<&f64> = xs.iter().filter(|x| **x > total / 2.0).collect();
    let same = xs.iter().zip(&big).all(|(a, b)| a.to_bits() == b.to_bits());
    let parsed: Result<Vec<u64>, String> = ["1", "2"].iter().map(|s| s.parse::<u64>().map_err(|e| e.to_string())).collect();
    let most = twice(|| parsed.clone())?.into_iter().max().unwrap_or(0);
    println!("{total:.3} {} {same} {most}", big.len());
    Ok::<(), String>(())
"""

# What `warm_up` holds when the cell loads parlab. The first variable whose type names
# parlab's error (a `Result` a cell keeps, or what a parlab call returns) costs rust-analyzer
# 0.2-0.3 s more the first time, in whichever cell makes it; a variable of that type here
# pays it before the notebook opens.
WARM_UP_VALUE = "None::<parlab::Error>"


def analyzer_warm_up(dep_cell: str) -> str:
    """A cell that has rust-analyzer (inside evcxr) read std and the crates of `dep_cell`,
    and turns on evcxr's support for `?` in cells.

    evcxr asks rust-analyzer for the type of each variable a cell makes; the first time,
    it reads std and every crate, seconds of work, and each new shape of code (an iterator
    chain, a closure passed to a generic fn) costs more the first time it is met. The cell
    makes one variable, `warm_up` (`WARM_UP_VALUE`, or `()` without parlab), so rust-analyzer
    infers the whole cell, with a closure that is never called: its `use` lines load the
    crates, its body the shapes.
    Its last line is a `?`: evcxr compiles a cell's code without `?` support until a cell
    fails for want of it (one failed compile, 0.1-0.2 s, in the notebook's first `?` cell
    otherwise), and keeps it on once the cell succeeds.
    """
    crates = [line.split()[1].split("=")[0].replace("-", "_") for line in dep_cell.splitlines()]
    # In a block of their own, so the crates' names (parlab's `Result`) do not shadow std's in the body.
    uses = " ".join(f"use {name}::*;" for name in crates)
    value = WARM_UP_VALUE if "parlab" in crates else "()"
    return f"let warm_up = {{ let _shapes = || {{ {{ {uses} }} {WARM_UP_BODY.strip()} }}; {value} }}; Ok::<(), String>(())?;"


class Waiting:
    """One kernel being made ready for a folder."""

    def __init__(self) -> None:
        self.task: asyncio.Task | None = None
        self.kernel_id: str | None = None
        # The first cell it ran: a notebook whose first cell differs starts a kernel of its own.
        self.code: str | None = None
        # Set once the kernel process starts: from then on, waiting for it is never
        # slower than starting another (which would compete with it for the CPU).
        self.started = False


class WarmKernelManager(AsyncMappingKernelManager):
    warm_kernel_name = Unicode("rust", config=True, help="The kernel that waits, ready, in each folder.")
    warm_paths = List(
        Unicode(),
        [],
        config=True,
        help="Folders (API paths, '' for the root) where a kernel waits from the server's start.",
    )
    refill_delay = Float(
        20.0,
        config=True,
        help="Seconds after a waiting kernel is taken before the next one starts (the first cells run first).",
    )
    warm_timeout = Float(900.0, config=True, help="Seconds a kernel may take to start and run the first cell.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._waiting: dict[str, Waiting] = {}
        self._failed: set[str] = set()
        with warnings.catch_warnings():
            # No loop runs yet: the server runs this one once it starts.
            warnings.simplefilter("ignore", DeprecationWarning)
            loop = asyncio.get_event_loop()
        loop.call_soon(self._fill_at_start)

    def _fill_at_start(self) -> None:
        for path in self.warm_paths:
            self._keep_one_waiting(path, delay=0.0)

    def _keep_one_waiting(self, path: str, delay: float) -> None:
        # Only in the configured folders: each waiting kernel holds about 0.7 GB.
        if path not in self.warm_paths or path in self._waiting or path in self._failed:
            return
        waiting = Waiting()
        waiting.code = first_dep_cell(Path(self.cwd_for_path(path)))
        waiting.task = asyncio.ensure_future(self._make_ready(path, waiting, delay))
        self._waiting[path] = waiting

    async def _make_ready(self, path: str, waiting: Waiting, delay: float) -> str | None:
        """Starts a kernel in `path` and runs the folder's first cell in it; its id, or None."""
        await asyncio.sleep(delay)
        waiting.started = True
        began = time.monotonic()
        try:
            kernel_id = await super().start_kernel(path=path, kernel_name=self.warm_kernel_name)
        except Exception as err:  # the notebook will start its own and show why
            self._give_up(path, waiting, f"it did not start ({err})")
            return None
        waiting.kernel_id = kernel_id
        code = waiting.code
        error = None
        if code is not None:
            try:
                error = await asyncio.wait_for(self._run(kernel_id, code), self.warm_timeout)
                if error is None:
                    # Only a dead kernel counts: without the warm-up, the kernel still answers, more slowly.
                    warm = await asyncio.wait_for(self._run(kernel_id, analyzer_warm_up(code)), self.warm_timeout)
                    if warm is not None:
                        self.log.warning("the warm-up cell failed in %r (%s): the first cells will be slower", path or "/", warm)
                    if not await self.get_kernel(kernel_id).is_alive():
                        error = "the kernel died"
            except Exception as err:
                error = f"{type(err).__name__}: {err}"
        if error is not None:
            self._give_up(path, waiting, f"its first cell failed there ({error})")
            await self._discard(kernel_id)
            return None
        self.log.info("a kernel waits, ready, in %r (%.1f s to make ready)", path or "/", time.monotonic() - began)
        return kernel_id

    def _give_up(self, path: str, waiting: Waiting, why: str) -> None:
        """No kernel waits in `path` until a notebook opens there again."""
        self.log.warning("no kernel waits in %r: %s", path or "/", why)
        self._failed.add(path)
        if self._waiting.get(path) is waiting:
            del self._waiting[path]

    async def _run(self, kernel_id: str, code: str) -> str | None:
        """Runs `code` in the kernel: None when it succeeds, else what went wrong."""
        client = self.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=self.warm_timeout)
            reply = await client.execute_interactive(
                code, store_history=False, allow_stdin=False, timeout=self.warm_timeout, output_hook=lambda _: None
            )
        finally:
            client.stop_channels()
        content = reply.get("content", {})
        if content.get("status") != "ok":
            return f"{content.get('ename', 'error')}: {content.get('evalue', '')}".strip()
        return None

    async def _discard(self, kernel_id: str) -> None:
        try:
            await super().shutdown_kernel(kernel_id, now=True)
        except Exception as err:
            self.log.warning("could not stop a kernel that was to wait (%s)", err)

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        name = kwargs.get("kernel_name") or self.default_kernel_name
        if kernel_id is None and path is not None and name == self.warm_kernel_name:
            self._failed.discard(path)
            waiting = self._waiting.get(path)
            if waiting is not None and not self._fits(waiting, kwargs.get("env") or {}):
                # A new notebook, or one that loads other crates: a kernel of its own, without them.
                waiting = None
            else:
                self._waiting.pop(path, None)
            ready = None
            if waiting is not None and waiting.started:
                try:
                    ready = await waiting.task
                except (Exception, asyncio.CancelledError):
                    ready = None
            elif waiting is not None:
                waiting.task.cancel()
            if ready is not None and ready in self and await self.get_kernel(ready).is_alive():
                self.log.info("a notebook in %r takes the kernel that waited there", path or "/")
                self._keep_one_waiting(path, delay=self.refill_delay)
                return ready
            started = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
            self._keep_one_waiting(path, delay=self.refill_delay)
            return started
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)

    @staticmethod
    def _fits(waiting: Waiting, env: dict) -> bool:
        """Whether the notebook being opened (JupyterLab names it in the kernel's environment) has the first
        cell the waiting kernel ran: when it cannot be read, the folder's notebooks are taken to share it."""
        notebook = Path(env.get("JPY_SESSION_NAME", ""))
        return not notebook.is_file() or dep_cell(notebook) == waiting.code

    def _waiting_ids(self) -> set[str]:
        return {w.kernel_id for w in self._waiting.values() if w.kernel_id is not None}

    def list_kernels(self):
        """The kernels notebooks use: the waiting ones are the server's own."""
        waiting = self._waiting_ids()
        return [model for model in super().list_kernels() if model["id"] not in waiting]

    async def shutdown_all(self, now=False):
        waiting, self._waiting = self._waiting, {}
        self._failed = set(self.warm_paths)  # nothing starts again while the server stops
        for entry in waiting.values():
            if entry.task is not None and not entry.task.done():
                entry.task.cancel()
        await super().shutdown_all(now=now)
