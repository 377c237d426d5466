"""Prometheus: the series of a run, the push to the Pushgateway, and the generated alert rules."""
