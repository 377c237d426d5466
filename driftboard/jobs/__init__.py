"""Job specs: what to monitor and when. The YAML spec and its loading, the schedule and its
windows, durations, and the catalogue of Evidently's statistical tests.
"""
