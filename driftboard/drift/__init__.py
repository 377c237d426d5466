"""Drift scores: Evidently's DataDriftPreset results, from the fast engine (`fast/`) or from
Evidently's own report (`evidently_report`), and the types both return.
"""
