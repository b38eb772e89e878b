"""Render `mlcamp path` as the SVG terminal screenshot shown in the README.

Run: python scripts/screenshot_path.py   (writes docs/images/path.svg)
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

from mlcamp.cli import app

COMMAND = ["path", "--background", "software-engineer"]
SHOWN_LINES = 48


def main() -> None:
    """Run `mlcamp path --background software-engineer` and save its first screen as SVG."""
    result = CliRunner().invoke(app, COMMAND, env={"COLUMNS": "100"}, color=True)
    if result.exit_code != 0:
        raise SystemExit(result.output)
    lines = result.output.splitlines()[:SHOWN_LINES]
    console = Console(
        record=True, width=100, force_terminal=True, color_system="truecolor", file=io.StringIO()
    )
    console.print(f"$ mlcamp {' '.join(COMMAND)}", style="bold")
    console.print(Text.from_ansi("\n".join(lines)))
    console.print("…", style="dim")
    target = Path(__file__).resolve().parents[1] / "docs" / "images" / "path.svg"
    console.save_svg(str(target), title="mlcamp path")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
