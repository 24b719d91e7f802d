# The lab's own JupyterLab settings, loaded by `cargo lab open` (`--config`), never the user's.
# A Rust kernel waits, ready, in the students' folder and in solutions/ (warm_kernels.py).
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

c = get_config()  # noqa: F821 (defined by the loader)
c.ServerApp.kernel_manager_class = "warm_kernels.WarmKernelManager"
# `cargo lab open` (crates/lab/src/open.rs) names these two folders in what it prints.
c.WarmKernelManager.warm_paths = ["", "solutions"]
