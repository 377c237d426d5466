"""moto's S3 server on 127.0.0.1, for sources on object storage: started by the tests, ended
by PID. Clients find it through AWS_ENDPOINT_URL (pyarrow and boto3 both read it)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.support.realstack import free_port, wait_until

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class S3:
    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        return CREDENTIALS | {"AWS_ENDPOINT_URL": self.endpoint}

    def client(self) -> Any:
        import boto3

        keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", **keys)


def _up(s3: S3) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.client().list_buckets()
        return True
    except ClientError:  # an answer, if a refusal (see `refusing`)
        return True
    except Exception:
        return False


@contextmanager
def moto_server(refusing: bool = False) -> Iterator[S3]:
    """`refusing`: moto checks credentials (it accepts any by default), so the test ones are
    refused as unknown keys, as a revoked or mistyped key would be."""
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    env = os.environ | ({"INITIAL_NO_AUTH_ACTION_COUNT": "0"} if refusing else {})
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    s3 = S3(f"http://127.0.0.1:{port}")
    try:
        wait_until(lambda: _up(s3), 30, "moto's S3 server")
        yield s3
    finally:
        process.terminate()
        process.wait(timeout=10)
