"""Reruns that redo only what changed: ``digests`` (what a project's files are made from, hashed),
``codec`` (a run's problems as JSON and back), ``manifest`` (the manifest file: what the last run
wrote, and from what) and ``planner`` (which projects a rerun redoes, which files it keeps)."""
