"""A stable fingerprint of reference data: changes when its values, columns or types do."""

import hashlib

import pandas as pd


def fingerprint(frame: pd.DataFrame, columns: list[str]) -> str:
    present = [c for c in columns if c in frame.columns]
    digest = hashlib.sha256()
    for name in present:
        block = frame.loc[:, frame.columns == name]  # a DataFrame even for duplicated names
        digest.update(f"{name}\0{list(map(str, block.dtypes))}\0".encode())
        digest.update(pd.util.hash_pandas_object(block, index=False).to_numpy().tobytes())
    return digest.hexdigest()
