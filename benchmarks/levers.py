"""Each candidate against skdnn's defaults, table by table, from quality.py's CSVs.

    python benchmarks/quality.py --only skdnn ple --candidate \\
        "ple:numerical_embedding=piecewise_linear" --csv ple.csv --output ple.md
    python benchmarks/levers.py ple.csv            # markdown on stdout

Prints, per task, each contender's mean score, its mean fit time and its
fits with a ConvergenceWarning, then every table's difference to "skdnn"
(mean over folds and seeds; positive is better for accuracy and R², negative
for log loss).
"""

import argparse

import pandas as pd

METRICS = {"classification": ["accuracy", "log_loss"], "regression": ["r2"]}


def markdown(frame):
    header = "| " + " | ".join([frame.index.name or "", *frame.columns]) + " |"
    rule = "|" + "---|" * (len(frame.columns) + 1)

    def cell(column, value):
        return f"{value:.0f}" if column in ("fits", "warned fits") else f"{value:.4f}"

    rows = []
    for i, row in zip(frame.index, frame.to_numpy(), strict=True):
        cells = [cell(c, v) for c, v in zip(frame.columns, row, strict=True)]
        rows.append("| " + " | ".join([str(i), *cells]) + " |")
    return "\n".join([header, rule, *rows])


def report(results, reference="skdnn"):
    lines = []
    for task, metrics in METRICS.items():
        part = results[results.task == task]
        if part.empty:
            continue
        lines.append(f"### {task}\n")
        summary = part.groupby("contender")[metrics + ["seconds"]].mean()
        summary["warned fits"] = part.groupby("contender").convergence_warnings.apply(
            lambda w: float((w > 0).sum())
        )
        summary["fits"] = part.groupby("contender").size().astype(float)
        lines += [markdown(summary), ""]
        for metric in metrics:
            by_table = part.groupby(["table", "contender"])[metric].mean().unstack()
            delta = by_table.sub(by_table[reference], axis=0)
            delta = delta.drop(columns=reference).sort_index()
            lines += [f"{metric} minus {reference}'s:\n", markdown(delta), ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="+", help="quality.py --csv files")
    args = parser.parse_args(argv)
    results = pd.concat([pd.read_csv(path, comment="#") for path in args.csv])
    results = results.drop_duplicates(["task", "table", "fold", "seed", "contender"])
    print(report(results))


if __name__ == "__main__":
    main()
