"""A run's data, in Arrow: where it is (local files, folders, object storage, SQL), only the
window's rows and the spec's columns read, the checks counted once per column, and the
reference's summary that spares an unchanged reference another read.
"""
