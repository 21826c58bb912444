"""pytest's collection of the package's doctests (``--doctest-modules``).

:mod:`skdnn.onnx` raises ImportError without its extra, so its doctests are
left out then, as tests/test_onnx.py skips.
"""

import importlib.util

collect_ignore = []
if not all(importlib.util.find_spec(m) for m in ("skl2onnx", "onnxruntime")):
    collect_ignore.append("onnx.py")
