"""Imports flow one way: index <- assistant <- ui <- app.py; prompts is data; only ui/ and app.py import gradio."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "index": {"assistant", "prompts", "gradio", "ui", "app"},
    "assistant": {"gradio", "ui", "app"},
    "prompts": {"index", "assistant", "gradio", "ui", "app"},
    "ui": {"index", "prompts", "app"},
}


def _imported_modules(path: Path) -> set[str]:
    """Every absolute module name a file imports, dotted in full."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imported_modules(path)}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downstream(package):
    bad = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        wrong = _imports(path) & FORBIDDEN[package]
        if wrong:
            bad[str(path.relative_to(ROOT))] = sorted(wrong)
    assert not bad, f"imports against the flow index <- assistant <- app: {bad}"


def test_app_uses_only_the_assistant_public_api():
    first_party = _imports(ROOT / "app.py") & {"index", "assistant", "prompts", "ui"}
    assert first_party == {"assistant", "ui"}


def test_ui_uses_only_the_assistant_public_api():
    """The web UI sees what a Python user sees: `from assistant import ...`, nothing deeper."""
    deeper = {}
    for path in sorted((ROOT / "ui").rglob("*.py")):
        names = sorted(n for n in _imported_modules(path) if n.startswith("assistant."))
        if names:
            deeper[str(path.relative_to(ROOT))] = names
    assert not deeper, f"ui/ must import the public API `assistant` only: {deeper}"


def test_library_imports_without_gradio_or_the_model():
    code = "import sys, index, assistant, prompts; print(sorted(m for m in ('gradio', 'sentence_transformers', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# Inside each package, rooms stand in layers along the data flow: a room imports only rooms of lower
# layers (a module's room is its first folder or file below the package).
LAYERS = {
    "index": [
        {"errors", "text"},
        {"schema", "dates"},
        {"readers", "chunking", "model"},
        {"store"},
        {"build"},
        {"news_index"},
        {"__init__"},
        {"__main__"},
    ],
    "assistant": [
        {"errors", "schema"},
        {"dates"},
        {"retrieval"},
        {"answering"},
        {"chat"},
        {"__init__"},
        {"eval", "__main__"},
    ],
}


def _room(package: str, module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_rooms_import_only_lower_layers(package):
    layer_of = {room: n for n, rooms in enumerate(LAYERS[package]) for room in rooms}
    on_disk = {
        p.stem if p.parent == ROOT / package else p.relative_to(ROOT / package).parts[0]
        for p in (ROOT / package).rglob("*.py")
    }
    assert on_disk <= layer_of.keys(), f"rooms without a layer in LAYERS: {sorted(on_disk - layer_of.keys())}"
    upward = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("").parts
        source = relative[1] if len(relative) > 1 else "__init__"
        for module in _imported_modules(path):
            if module.split(".")[0] != package:
                continue
            target = _room(package, module)
            if target != source and layer_of[target] >= layer_of[source]:
                upward.setdefault(str(path.relative_to(ROOT)), []).append(module)
    assert not upward, f"imports against the layers of {package}/ (see LAYERS): {upward}"
