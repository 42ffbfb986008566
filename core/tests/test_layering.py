"""The shape between apps holds: Python imports only go down the layering of the README
(core < knowledge < members < blog < follows < search < website), nothing reaches a higher
app through ``apps.get_model``, and no app has an import cycle between its own modules.

Tests and migrations are left out: tests build data across apps, migrations are history."""

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = ["core", "knowledge", "members", "blog", "follows", "search", "website"]
SKIPPED_FOLDERS = {"migrations", "tests", "__pycache__", "templates", "static", "settings"}


def modules_of(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if SKIPPED_FOLDERS & set(parts[:-1]) or path.name.startswith("test"):
            continue
        name = ".".join(parts)[:-3].removesuffix(".__init__")
        yield name, path


def imported_names(name, path):
    """Every module name ``path`` imports, relative imports resolved, and the app labels it
    reaches with ``apps.get_model("label", ...)``."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found, labels = [], []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append(module)
            found += [f"{module}.{alias.name}" for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            labels.append(str(node.args[0].value).split(".")[0])
    return found, labels


def test_imports_between_apps_only_go_down_the_layers():
    upward = []
    for rank, app in enumerate(LAYERS):
        for name, path in modules_of(app):
            found, labels = imported_names(name, path)
            for other in [n.split(".")[0] for n in found] + labels:
                if other in LAYERS and LAYERS.index(other) > rank:
                    upward.append(f"{name} -> {other}")

    assert sorted(set(upward)) == []


def test_no_app_has_an_import_cycle_between_its_modules():
    cycles = []
    for app in LAYERS:
        modules = dict(modules_of(app))

        def resolve(imported, modules=modules):
            while imported and imported not in modules:
                imported = imported.rsplit(".", 1)[0] if "." in imported else ""
            return imported

        graph = defaultdict(set)
        for name, path in modules.items():
            for imported in imported_names(name, path)[0]:
                target = resolve(imported)
                if target and target != name and target.split(".")[0] == app:
                    graph[name].add(target)
        state = {}

        def visit(module, stack, graph=graph, state=state):
            state[module] = "open"
            stack.append(module)
            for target in sorted(graph[module]):
                if state.get(target) == "open":
                    cycles.append(" -> ".join(stack[stack.index(target) :] + [target]))
                elif target not in state:
                    visit(target, stack)
            stack.pop()
            state[module] = "done"

        for module in sorted(modules):
            if module not in state:
                visit(module, [])

    assert cycles == []


def test_the_layers_are_the_installed_apps_in_order():
    installed = [app for app in settings.INSTALLED_APPS if app in LAYERS]

    assert installed == LAYERS
