"""The wheel carries the three packages, their py.typed markers and the prompt files."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_contains_packages_and_prompts(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    (wheel,) = tmp_path.glob("news_assistant-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "index/__init__.py",
        "index/py.typed",
        "assistant/__init__.py",
        "assistant/py.typed",
        "prompts/__init__.py",
        "prompts/extractive_en.md",
        "prompts/extractive_ar.md",
        "prompts/answer.md",
        "prompts/sources.md",
        "prompts/condense.md",
        "app.py",
    ):
        assert required in names, required
    assert not any(n.startswith("tests/") for n in names)


def test_prompts_load_and_check_their_variables():
    from prompts import load_prompt, load_sections

    en, ar = load_sections("extractive_en"), load_sections("extractive_ar")
    assert en.keys() == ar.keys()
    for key in en:
        assert en[key].variables == ar[key].variables, key
    with pytest.raises(ValueError, match="missing"):
        load_prompt("condense").render(question="q")
    with pytest.raises(FileNotFoundError, match="available"):
        load_prompt("no-such-prompt")
