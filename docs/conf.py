"""Sphinx configuration of skdnn's documentation.

Build it, offline, from the checkout's root::

    pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

``-W`` makes every warning an error. The gallery runs the examples in their
fast mode (``SKDNN_EXAMPLES_FAST=1``: small data, few epochs); the figures the
examples save themselves go to a temporary directory rather than over
``examples/figures`` (sphinx-gallery captures its own for the pages).
"""

import os
import tempfile
import warnings
from pathlib import Path

import skdnn

os.environ.setdefault("SKDNN_EXAMPLES_FAST", "1")
os.environ.setdefault("SKDNN_EXAMPLES_OUTPUT", tempfile.mkdtemp(prefix="skdnn-"))
os.environ.setdefault("MPLBACKEND", "Agg")
# The fast examples stop before convergence, by design.
warnings.filterwarnings("ignore", message=".*maximum iterations.*")

ROOT = Path(__file__).resolve().parents[1]

project = "skdnn"
author = "the skdnn developers"
copyright = "2026, the skdnn developers"
release = version = skdnn.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb"]
templates_path = ["_templates"]

myst_heading_anchors = 3

autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("skdnn",),
    # every example that runs on its own (the Dask one needs a cluster)
    "filename_pattern": r"/(plot_|pandas_|gradient_|onnx_)",
    "ignore_pattern": r"__init__\.py",
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 10,
    "show_memory": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"skdnn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
}
html_static_path = []
html_show_sourcelink = False
