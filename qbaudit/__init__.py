"""qbaudit — 题库质量审核工作台: audit vocational-skill question banks against the national rules."""

__version__ = "0.1.0"
