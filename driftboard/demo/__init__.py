"""The demo: a month of a churn model's traffic with known incidents, run end to end, and
the example data under examples/.
"""
