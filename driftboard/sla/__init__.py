"""SLA summaries for stakeholders (issue 6): definitions in SQL views, one aggregation for the
Grafana dashboard and the report, and performance metrics from delayed labels.

Every formula is written out in docs/sla.md.
"""
