"""The layout of the package holds: what may import what, and the map is whole."""

import ast
from pathlib import Path

import skdnn

PACKAGE = Path(skdnn.__file__).parent
FACE = {path.stem for path in PACKAGE.glob("_*.py")} - {"__init__", "__main__"}


def imports(path):
    """(module, level) of every import in a file: level > 0 is relative."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.level))
        elif isinstance(node, ast.ImportFrom):  # from .. import name
            found += [(alias.name, node.level) for alias in node.names]
    return found


def modules(subpackage):
    return sorted((PACKAGE / subpackage).glob("*.py"))


def test_the_network_and_the_kernels_import_no_scikit_learn():
    for subpackage in ("_nn", "_fast"):
        for path in modules(subpackage):
            for module, level in imports(path):
                assert not module.startswith("sklearn"), (path.name, module)
                # relative imports stay inside _nn and _fast
                if level == 2:
                    assert module.split(".")[0] == "_fast", (path.name, module)
                assert level <= 2, (path.name, module)


def test_the_solvers_never_import_the_estimators():
    for path in modules("_train"):
        for module, level in imports(path):
            if level == 2:
                top = module.split(".")[0]
                assert top not in FACE - {"_warnings"}, (path.name, module)


def test_the_map_in_the_package_docstring_names_every_module():
    documented = skdnn.__doc__
    for path in PACKAGE.rglob("*.py"):
        if path.name != "__init__.py":
            assert f" {path.name} " in documented, path.relative_to(PACKAGE)
    for subpackage in ("_nn", "_train", "_fast", "_tools"):
        assert f"{subpackage}/" in documented
