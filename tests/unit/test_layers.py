"""The app's imports only point down its layers (DESIGN.md section 2), checked by import-linter against the
contract in pyproject.toml, and form no cycle; no import hides inside a function to dodge one."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_layers_contract_is_kept():
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts: 1 kept, 0 broken." in done.stdout


def test_no_import_of_the_app_hides_inside_a_function():
    hidden = [f"{path.relative_to(ROOT)}:{inner.lineno} from {inner.module}"
              for path in sorted((ROOT / "app").rglob("*.py"))
              for node in ast.walk(ast.parse(path.read_text()))
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
              for inner in ast.walk(node)
              if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("app")]
    assert hidden == []
