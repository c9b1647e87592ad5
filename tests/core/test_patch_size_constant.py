"""The patch size is one constant (`mammogan_core.workspace.PATCH_SIZE`): no module types 128
as a size beside it. The integer 128 appears in code only where it means something else."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

OTHER_MEANINGS = {
    "mammogan_core/workspace/patch_store.py": "the constant itself",
    "mammogan_core/annotations/files.py": "the DICOM preamble's length",
    "mammogan_core/io/header_scan.py": "the DICOM preamble's length",
    "mammogan_core/cli/main.py": "exit status 128 + signal number",
}


def files_with_128() -> set[str]:
    found = set()
    for top in ("mammogan_core", "app"):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] == ("mammogan_core", "testing"):  # fixtures pick their own sizes
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(
                isinstance(node, ast.Constant) and type(node.value) is int and node.value == 128
                for node in ast.walk(tree)
            ):
                found.add(rel.as_posix())
    return found


def test_no_patch_size_literal_beside_the_constant():
    stray = files_with_128() - OTHER_MEANINGS.keys()
    assert stray == set(), "use mammogan_core.workspace.PATCH_SIZE for the patch size"


def test_the_search_sees_the_constant():
    # the check above would pass vacuously if the walk missed integer literals
    assert "mammogan_core/workspace/patch_store.py" in files_with_128()
