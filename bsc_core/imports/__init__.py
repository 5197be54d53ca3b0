"""Getting scorecards and history in and out of the store: YAML definitions, CSV actuals."""
