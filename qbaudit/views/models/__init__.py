"""The window's read-only Qt models: findings tree, evidence tables, bank table, record tables, and how a
status looks. Each reads the data it was given where it lies; the bank's search is the core's
(:mod:`qbaudit.analysis.search`)."""
