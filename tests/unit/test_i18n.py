"""The catalogues agree: same keys, same placeholders; and the English UI is a setting."""

from __future__ import annotations

import string

from qbaudit.i18n import LANGUAGES, REFERENCE, catalogue, set_language, tr


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogues_have_the_same_keys_and_placeholders():
    reference = catalogue(REFERENCE)
    for language in LANGUAGES:
        other = catalogue(language)
        assert set(other) == set(reference), (language, set(other) ^ set(reference))
        for key, template in reference.items():
            assert _placeholders(other[key]) == _placeholders(template), (language, key)


def test_every_key_used_in_the_code_exists():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "qbaudit"
    keys = set(catalogue(REFERENCE))
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r'\btr\(\s*"([A-Za-z0-9_.]+)"', path.read_text(encoding="utf-8")))
    missing = {k for k in used if k not in keys}
    assert not missing, missing


def test_english_is_a_setting():
    assert tr("R1.pass", level="四级", count=210, minimum=200).startswith("四级理论知识考评点共 210 个")
    set_language("en")
    assert tr("R1.pass", level="L4", count=210, minimum=200) == "L4: 210 theory points, at least 200."
