"""The demo and the examples run, so none of them can rot."""

import runpy
import sys
from pathlib import Path

import pytest

from skdnn.__main__ import main

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))
# an example that needs an optional package is skipped without it
NEEDS = {"onnx_export.py": ["skl2onnx", "onnxruntime"]}


def test_demo_runs_and_prints_its_report(capsys):
    accuracy = main(
        [
            "--depths",
            "1",
            "2",
            "--widths",
            "16",
            "--activations",
            "relu",
            "--cv",
            "2",
            "--max-iter",
            "30",
            "--n-jobs",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert 0.85 <= accuracy <= 1.0
    for expected in ["(16,)", "(16, 16)", "best parameters:", "held-out accuracy:"]:
        assert expected in out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path, capsys, monkeypatch, tmp_path):
    # Small and quick (SKDNN_EXAMPLES_FAST), headless (Agg), and writing its
    # figures to tmp_path rather than over the committed examples/figures.
    for module in NEEDS.get(path.name, []):
        pytest.importorskip(module)
    monkeypatch.setenv("SKDNN_EXAMPLES_FAST", "1")
    monkeypatch.setenv("SKDNN_EXAMPLES_OUTPUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    assert capsys.readouterr().out
    if path.name.startswith("plot_"):
        assert (tmp_path / f"{path.stem}.png").is_file()
