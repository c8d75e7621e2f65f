"""The audit core: model, importers, rule profiles and checks. Pure Python, pandas and polars; no Qt."""
