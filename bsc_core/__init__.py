"""The Balanced Scorecard domain: tables, periods, statuses, imports, reports and charts.

Nothing here knows about Slack: the command layer and the adapters build on it.
"""
