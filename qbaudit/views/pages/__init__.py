"""The pages of an open audit, one module each; every page can be opened alone on the sample audit
(``python -m qbaudit.views.pages.<name>``)."""
