"""Imports flow one way: index <- assistant <- app.py; prompts is data; only app.py imports gradio."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "index": {"assistant", "prompts", "gradio", "app"},
    "assistant": {"gradio", "app"},
    "prompts": {"index", "assistant", "gradio", "app"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downstream(package):
    bad = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        wrong = _imports(path) & FORBIDDEN[package]
        if wrong:
            bad[str(path.relative_to(ROOT))] = sorted(wrong)
    assert not bad, f"imports against the flow index <- assistant <- app: {bad}"


def test_app_uses_only_the_assistant_public_api():
    first_party = _imports(ROOT / "app.py") & {"index", "assistant", "prompts"}
    assert first_party == {"assistant"}


def test_library_imports_without_gradio_or_the_model():
    code = "import sys, index, assistant, prompts; print(sorted(m for m in ('gradio', 'sentence_transformers', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
