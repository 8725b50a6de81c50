#!/usr/bin/env python3
"""Validate SEPA credit-transfer files against the ISO 20022 pain.001.001.03 schema.

Usage: validate-pain001.py FILE...

The schema is the one shipped inside the `sepaxml` package (PyPI), read with `xmlschema`;
nothing is fetched from the network. Install both with:

    python3 -m pip install xmlschema sepaxml

Prints one line per file, "ok FILE" or "invalid FILE: reason". Exit status: 0 when every file
is valid, 1 when any is not, 2 when the packages or the schema are missing.
"""

import sys


def schema_path():
    try:
        from importlib.resources import files
    except ImportError:  # Python < 3.9
        files = None
    import sepaxml

    if files is not None:
        p = files(sepaxml) / "schemas" / "pain.001.001.03.xsd"
        if p.is_file():
            return str(p)
    import os

    p = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd")
    if os.path.isfile(p):
        return p
    raise FileNotFoundError("sepaxml does not ship schemas/pain.001.001.03.xsd")


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import xmlschema

        schema = xmlschema.XMLSchema(schema_path())
    except (ImportError, FileNotFoundError) as e:
        print(f"cannot load the pain.001.001.03 schema: {e}", file=sys.stderr)
        return 2
    status = 0
    for f in argv[1:]:
        errors = list(schema.iter_errors(f))
        if errors:
            status = 1
            reason = str(errors[0]).splitlines()
            print(f"invalid {f}: {' / '.join(l.strip() for l in reason if l.strip())[:600]}")
        else:
            print(f"ok {f}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
