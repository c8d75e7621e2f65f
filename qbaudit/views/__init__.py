"""The Qt layer (windows, pages, table models, workers). Nothing outside this package imports Qt."""
