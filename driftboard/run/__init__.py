"""One run end to end: evaluate a window, store it in one transaction, push, keep the report;
and its terminal rendering.
"""
