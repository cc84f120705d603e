"""Write rules/compiled.json: every YAML file under rules/ parsed once, for fast cold starts.

    python -m postcheck.bundle          # after editing anything under rules/

postcheck reads a file from the bundle only while the file's text is unchanged (see
`postcheck.yamlload`), so forgetting this step makes a start slower, never a check wrong; the
test suite fails while the bundle is out of date. A file whose data JSON cannot hold exactly
(a YAML date, a number as a mapping key) is left out and always parsed as YAML.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from postcheck.errors import PostcheckError
from postcheck.yamlload import BUNDLE, BUNDLE_FORMAT, digest, line_of, load_text, strip_lines


def check_rule(path: Path, data: Any) -> None:
    """The checks postcheck runs on loading a semantic rule the bundle has not vetted."""
    if not isinstance(data, dict) or data.get("kind") != "semantic" or not isinstance(data.get("params"), dict):
        return
    from spacy.schemas import validate_token_pattern

    from postcheck.detectors.filing import check_patterns

    check_patterns(str(path), strip_lines(data["params"]), validate_token_pattern, line_of(data["params"], "patterns"))


def bundle_of(root: Path) -> dict[str, Any]:
    """The bundle for the YAML files under `root`, parsed (and so validated as YAML) afresh."""
    files: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        data = load_text(text, str(path), with_lines=True)
        check_rule(path, data)
        try:
            encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        except (TypeError, ValueError):  # a date or another value JSON has no type for
            continue
        if json.loads(encoded) == data:
            files[path.relative_to(root).as_posix()] = [digest(text), encoded]
    return {"format": BUNDLE_FORMAT, "about": "written by python -m postcheck.bundle; do not edit", "files": files}


def render(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    from postcheck.paths import rules_dir

    root = rules_dir()
    try:
        bundle = bundle_of(root)
    except PostcheckError as exc:
        print(f"postcheck: {exc}", file=sys.stderr)
        return 2
    (root / BUNDLE).write_text(render(bundle), encoding="utf-8")
    print(f"wrote {root / BUNDLE}: {len(bundle['files'])} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
