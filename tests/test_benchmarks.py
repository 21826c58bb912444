"""The benchmark script runs (tiny sizes), so it cannot rot. No timing asserts."""

import runpy
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def test_benchmark_smoke_run(tmp_path):
    output = tmp_path / "RESULTS.md"
    module = runpy.run_path(str(SCRIPT), run_name="benchmark")
    text = module["main"](["--smoke", "--output", str(output)])
    assert output.read_text(encoding="utf-8") == text
    for heading in [
        "## 1. Large net",
        "## 2. Small net",
        "## 3. L-BFGS",
        "## 4. Inference",
        "## 5. Memory",
        "## 6. Scaling",
        "## 7. Training features",
    ]:
        assert heading in text
    # every case produced numbers, not placeholders, for both libraries
    large_rows = [line for line in text.splitlines() if line.startswith("| sgd |")]
    assert len(large_rows) == 2
    assert "nan" not in text.lower()
