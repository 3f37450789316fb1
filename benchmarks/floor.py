#!/usr/bin/env python3
"""The floor of generation: read the spec as JSON (or YAML) and write the same files a generator
wrote, nothing else. ``floor.py REFERENCE_OUTPUT OUT SPEC...`` reads each SPEC and copies
REFERENCE_OUTPUT's files to OUT."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    reference, out, *specs = (Path(a) for a in argv)
    for spec in specs:
        text = spec.read_bytes()
        if spec.suffix == ".json":
            json.loads(text)
        else:
            import yaml

            yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loaders
    files = {p.relative_to(reference): p.read_bytes() for p in reference.rglob("*") if p.is_file()}
    for name, data in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
