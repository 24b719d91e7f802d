"""nbgrader's Execute preprocessor, fitted to the evcxr Rust kernel.

`cargo lab grade` writes an `nbgrader_config.py` that puts `RustExecute` in
the place of nbgrader's `Execute` in `Autograde.autograde_preprocessors`.

Why: when a cell fails, nbgrader 0.9's `Execute.on_cell_executed` reads
`execute_reply["content"]["ename"]`, which the Jupyter protocol sets for
Python's errors, but evcxr_jupyter 0.22 replies `{"status": "error"}` with no
`ename`. nbgrader then stops with a KeyError and grades nothing. Here a
missing `ename`, `evalue` or `traceback` is taken from the cell's own error
output (the compile error or "Subprocess terminated ..." that evcxr sent),
so the failure is recorded once and scores 0, as nbgrader intends.
"""

from __future__ import annotations

from nbgrader.preprocessors import Execute


class RustExecute(Execute):
    """Execute, for kernels whose error replies name no exception."""

    def on_cell_executed(self, **kwargs):
        reply = kwargs.get("execute_reply")
        cell = kwargs.get("cell")
        if reply is not None and reply.get("content", {}).get("status") == "error":
            content = reply["content"]
            shown = next((o for o in (cell.outputs if cell is not None else []) if o.output_type == "error"), None)
            content.setdefault("ename", shown.ename if shown is not None else "Error")
            content.setdefault("evalue", shown.evalue if shown is not None else "the kernel reported an error")
            content.setdefault("traceback", list(shown.traceback) if shown is not None else [])
        return super().on_cell_executed(**kwargs)
