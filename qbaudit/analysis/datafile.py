"""Data files written by people (profiles, score sheets, indicator catalogues): TOML checked against a
bundled JSON schema, with the first problem said in one Chinese sentence that names the field."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from qbaudit.bundled import load_json
from qbaudit.i18n import tr

_TYPE_NAMES = {"integer": "整数", "number": "数字", "string": "文字", "boolean": "true 或 false",
               "array": "列表", "object": "表（[…] 节）"}


def parse_toml(text: str, origin: str, syntax_key: str, error: type[Exception]) -> dict[str, Any]:
    """Parse ``text``; a syntax error becomes ``error`` with the message ``syntax_key`` (file, line, column)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        line, column = (where.group(1), where.group(2)) if where else ("?", "?")
        raise error(tr(syntax_key, file=origin, line=line, column=column)) from exc


def field_name(path: Any) -> str:
    """A JSON path as the user reads it: ``lines[3].max``; the top level has a name of its own."""
    parts = [f"[{p}]" if isinstance(p, int) else str(p) for p in path]
    return ".".join(parts).replace(".[", "[") or tr("profile.root")


def _schema_message(error: Any) -> str:
    field = field_name(error.absolute_path)
    kind = error.validator
    value = error.instance
    prefix = field_name(error.absolute_path) if error.absolute_path else ""
    if kind == "required":
        missing = [k for k in error.validator_value if k not in value]
        return tr("profile.missing_field", field=".".join(filter(None, [prefix, missing[0]])))
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in value if k not in allowed]
        return tr("profile.unknown_field", field=".".join(filter(None, [prefix, extra[0]])))
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, str) else expected[0]
        return tr("profile.wrong_type", field=field, expected=_TYPE_NAMES.get(expected, expected), value=repr(value))
    if kind in ("minimum", "exclusiveMinimum"):
        return tr("profile.too_small", field=field, limit=error.validator_value, value=value)
    if kind in ("maximum", "exclusiveMaximum"):
        return tr("profile.too_large", field=field, limit=error.validator_value, value=value)
    if kind == "enum":
        return tr("profile.not_one_of", field=field, allowed="、".join(map(str, error.validator_value)), value=repr(value))
    if kind == "const":
        return tr("profile.not_one_of", field=field, allowed=str(error.validator_value), value=repr(value))
    if kind == "format":
        return tr("profile.bad_regex", field=field, value=value)
    if kind in ("minItems", "minLength"):
        return tr("profile.empty", field=field)
    if kind == "uniqueItems":
        return tr("profile.repeated", field=field)
    if kind == "pattern":
        return tr("profile.bad_format", field=field, value=repr(value))
    return tr("profile.invalid", field=field, value=repr(value))


def schema_problem(data: dict[str, Any], schema: str) -> str | None:
    """The first problem of ``data`` against the bundled schema ``schemas/<schema>``, or None."""
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(load_json(f"schemas/{schema}"), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    return _schema_message(errors[0]) if errors else None
