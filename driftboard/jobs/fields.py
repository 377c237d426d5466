"""The job spec's building blocks: strict frozen models, durations, time zones, names."""

import re
from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
)

from driftboard.jobs.durations import duration_of

MODEL_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")
Duration = Annotated[timedelta, BeforeValidator(duration_of)]
# What the store's columns hold (driftboard/store/models.py): a longer name would pass
# validation and then fail every run on PostgreSQL ("value too long for type varchar(255)").
COLUMN_NAME_MAX = 255


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(name: object) -> str:
    hint = "use an IANA name such as 'UTC' or 'Europe/Paris'"
    if name is None or name == "":
        raise ValueError(f"the timezone is blank ({hint})")
    if not isinstance(name, str):  # a number in YAML: not a zone either
        raise ValueError(f"{name!r} is not a timezone ({hint})")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {name!r} (use an IANA name such as 'UTC' or 'Europe/Paris')"
        ) from None
    return name


Timezone = Annotated[str, BeforeValidator(_check_timezone)]
