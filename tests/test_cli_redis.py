"""``contracts dlq`` and ``contracts drift --redis`` against a 3-master Redis Cluster
the tests start, an ACL user, and a TLS-only server: any node of a cluster will do,
and every Redis failure is one line, exit 2, with the password redacted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.cluster import RedisCluster

from runtime import Codec, Contracts
from runtime.presence import Presence
from runtime.streams import Consumer, dead_letter_key, retry_key, stream_key
from runtime.testing import RedisClusterServers, RedisServer, TLSFiles, tls_files
from tests.conftest import ROOT

CLI = str(Path(sys.executable).parent / "contracts")
STREAM = "agent.tasks"  # a catalogue stream: replay checks the catalogue
SAMPLE = (
    ROOT / "tests" / "samples" / "agent" / "task_requested.v1" / "valid-minimal.json"
)
PASSWORD = "s3cret-Pa55"


def contracts(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [CLI, *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def one_line_error(done: subprocess.CompletedProcess[str], starts: str) -> str:
    """The one line a failing command prints (exit 2, nothing on stdout)."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {starts}")
    assert PASSWORD not in done.stderr
    return done.stderr


@pytest.fixture(scope="module")
def cluster() -> Iterator[list[str]]:
    """The URL of each master of a Redis Cluster: ``REDIS_CLUSTER_URL`` (any node of
    a cluster of at least 2 masters, no password) when set, else 3 throwaway ones."""
    seed = os.environ.get("REDIS_CLUSTER_URL")
    if seed:
        client = RedisCluster.from_url(seed)
        primaries = client.get_primaries()  # type: ignore[no-untyped-call]  # redis-py
        yield [f"redis://{n.host}:{n.port}/0" for n in primaries]
        client.close()
        return
    with RedisClusterServers(masters=3) as servers:
        yield servers.urls


@pytest.fixture
def cluster_client(cluster: list[str]) -> Iterator[RedisCluster]:
    client = RedisCluster.from_url(cluster[0])
    client.delete(stream_key(STREAM), dead_letter_key(STREAM))
    client.delete(retry_key(STREAM, "agents"))
    yield client
    client.close()


def not_owning(cluster: list[str], client: RedisCluster, key: str) -> str:
    """The URL of a node that does not hold ``key`` (a plain client there is
    answered MOVED)."""
    owner = client.get_node_from_key(key)  # type: ignore[no-untyped-call]
    url = next(u for u in cluster if not u.endswith(f":{owner.port}/0"))
    with pytest.raises(redis.exceptions.MovedError):
        redis.Redis.from_url(url).xlen(key)
    return url


def dead_letters(client: RedisCluster) -> None:
    """A valid message a failing handler gave up on, and an invalid one: two dead
    letters, written by a consumer on the cluster."""
    codec = Codec(Contracts("platform_contracts"), source="python:test")
    worker = Consumer(
        client,
        codec, STREAM, "agents", "a-1", block_ms=20, claim_idle_ms=10,
        max_deliveries=1,
    )  # fmt: skip
    worker.ensure_group(start="0")
    payload = json.loads(SAMPLE.read_text())
    raw = codec.encode(payload, message_type="agent.task.requested", version=1)
    client.xadd(stream_key(STREAM), {"envelope": raw})
    client.xadd(stream_key(STREAM), {"envelope": b'{"id": 1}'})

    def fail(data: Any, delivery: Any) -> None:
        raise RuntimeError("down")

    worker.on("agent.task.requested", 1)(fail)
    for _ in range(50):
        worker.run_once()
        if client.xlen(dead_letter_key(STREAM)) == 2:
            return
    raise AssertionError("the consumer did not dead-letter both entries")


def test_dlq_from_a_node_that_does_not_hold_the_stream(
    cluster: list[str], cluster_client: RedisCluster
) -> None:
    dead_letters(cluster_client)
    url = not_owning(cluster, cluster_client, dead_letter_key(STREAM))
    listed = contracts("dlq", "list", "--stream", STREAM, "--redis", url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.endswith("\n2 dead-lettered entries\n")
    replayed = contracts("dlq", "replay", "--stream", STREAM, "--redis", url)
    assert replayed.returncode == 1  # the invalid one stays
    assert replayed.stdout.endswith("\n1 replayed, 1 still invalid\n")
    assert cluster_client.xlen(retry_key(STREAM, "agents")) == 1
    purged = contracts("dlq", "purge", "--stream", STREAM, "--redis", url, "--yes")
    assert purged.stdout == "purged 1 dead-lettered entry of agent.tasks\n"
    assert cluster_client.xlen(dead_letter_key(STREAM)) == 0


def test_a_redis_cluster_url(cluster: list[str], cluster_client: RedisCluster) -> None:
    dead_letters(cluster_client)
    node = cluster[1].split("://", 1)[1].removesuffix("/0")
    for scheme in ("redis+cluster", "REDIS+CLUSTER"):
        url = f"{scheme}://{node}"
        listed = contracts("dlq", "list", "--stream", STREAM, "--redis", url)
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.endswith("\n2 dead-lettered entries\n")
    # A single server is not a cluster: said in one line.
    with RedisServer() as single:
        url = f"redis+cluster://127.0.0.1:{single.port}"
        done = contracts("dlq", "list", "--stream", STREAM, "--redis", url)
    assert one_line_error(done, f"cannot read dead letters from {url}: ").endswith(
        ": Redis Cluster: Cluster mode is not enabled on this node\n"
    )


def test_drift_from_a_node_that_does_not_hold_the_presence_keys(
    cluster: list[str], cluster_client: RedisCluster
) -> None:
    service = f"agent-{uuid.uuid4().hex[:8]}"
    announcer = Presence(
        cluster_client,
        Contracts("platform_contracts"), service, ttl=30,
    )  # fmt: skip
    with announcer:
        url = not_owning(cluster, cluster_client, "contracts:{presence}:services")
        for each in (url, url.replace("redis://", "redis+cluster://")):
            done = contracts("drift", "--redis", each, "--error-format", "json")
            assert done.returncode == 0, done.stderr
            services = json.loads(done.stdout)["services"]
            assert service in [s["service"] for s in services]


def test_moved_is_one_line(cluster: list[str], cluster_client: RedisCluster) -> None:
    """A user that may not run INFO cannot tell the tool it is on a cluster node: the
    MOVED reply says to use redis+cluster://, which then works for that user."""
    for node in cluster:
        redis.Redis.from_url(node).acl_setuser(
            "noinfo", enabled=True, passwords=[f"+{PASSWORD}"], keys=["*"],
            commands=["+@all", "-info"],
        )  # fmt: skip
    url = not_owning(cluster, cluster_client, dead_letter_key(STREAM))
    url = url.replace("redis://", f"redis://noinfo:{PASSWORD}@")
    done = contracts("dlq", "list", "--stream", STREAM, "--redis", url)
    printed = url.replace(PASSWORD, "***")
    assert one_line_error(done, f"cannot read dead letters from {printed}: MOVED ")
    assert done.stderr.endswith(
        ": a Redis Cluster node that does not hold the key (use a redis+cluster://"
        " URL)\n"
    )
    cluster_url = url.replace("redis://", "redis+cluster://")
    listed = contracts("dlq", "list", "--stream", STREAM, "--redis", cluster_url)
    assert listed.returncode == 0, listed.stderr


@pytest.fixture
def acl_user(redis_url: str) -> Iterator[str]:
    """A user of the test Redis that may not touch streams nor sorted sets."""
    name = f"ops-{uuid.uuid4().hex[:8]}"
    admin = redis.Redis.from_url(redis_url)
    admin.acl_setuser(
        name, enabled=True, passwords=[f"+{PASSWORD}"], keys=["*"],
        commands=["+@all", "-@stream", "-@sortedset"],
    )  # fmt: skip
    yield name
    admin.acl_deluser(name)
    admin.close()


def with_user(url: str, user: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest.rsplit('@', 1)[-1]}"


def test_noperm_is_one_line(redis_url: str, acl_user: str) -> None:
    url = with_user(redis_url, acl_user, PASSWORD)
    printed = url.replace(PASSWORD, "***")
    for command, action, refused in (
        (("dlq", "list"), "read dead letters from", "xlen"),
        (("dlq", "replay"), "replay dead letters at", "xinfo|groups"),
        (("dlq", "purge", "--yes"), "purge dead letters at", "xrevrange"),
    ):
        done = contracts(*command, "--stream", STREAM, "--redis", url)
        assert one_line_error(done, f"cannot {action} {printed}: ") == (
            f"error: cannot {action} {printed}: permission denied: this user has no"
            f" permissions to run the '{refused}' command\n"
        )
    done = contracts("drift", "--redis", url)
    assert one_line_error(done, f"cannot read presence from {printed}: ").endswith(
        "permission denied: this user has no permissions to run the"
        " 'zrangebyscore' command\n"
    )


def test_a_wrong_password_is_one_line_without_the_password(
    redis_url: str, acl_user: str
) -> None:
    for password in (PASSWORD + "x", "p%40ss-" + PASSWORD):
        url = with_user(redis_url, acl_user, password)
        printed = with_user(redis_url, acl_user, "***")
        for command, action in (
            (("dlq", "list", "--stream", STREAM), "read dead letters from"),
            (("drift",), "read presence from"),
        ):
            done = contracts(*command, "--redis", url)
            assert one_line_error(done, f"cannot {action} {printed}: ") == (
                f"error: cannot {action} {printed}: authentication failed: invalid"
                " username-password pair or user is disabled.\n"
            )
            assert "p@ss" not in done.stderr and "p%40ss" not in done.stderr


@pytest.fixture(scope="module")
def tls(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RedisServer, TLSFiles]]:
    files = tls_files(tmp_path_factory.mktemp("tls"))
    with RedisServer(tls=files) as server:
        yield server, files


def test_tls(tls: tuple[RedisServer, TLSFiles]) -> None:
    server, files = tls
    assert server.url.startswith("rediss://") and "ssl_ca_certs=" in server.url
    listed = contracts("dlq", "list", "--stream", STREAM, "--redis", server.url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == "0 dead-lettered entries\n"
    drift = contracts("drift", "--redis", server.url)
    assert drift.returncode == 0, drift.stderr
    # Without the CA, the certificate is refused; plain redis:// gets no answer.
    untrusted = f"rediss://127.0.0.1:{server.port}/0"
    done = contracts("dlq", "list", "--stream", STREAM, "--redis", untrusted)
    assert "certificate verify failed" in one_line_error(
        done, f"cannot read dead letters from {untrusted}: TLS handshake failed: "
    )
    missing = f"rediss://127.0.0.1:{server.port}/0?ssl_ca_certs={files.ca}.missing"
    done = contracts("dlq", "list", "--stream", STREAM, "--redis", missing)
    assert one_line_error(done, "cannot read dead letters from ").endswith(
        " No such file or directory.\n"
    )
    plain = f"redis://127.0.0.1:{server.port}/0"
    done = contracts("drift", "--redis", plain)
    one_line_error(done, f"cannot read presence from {plain}: connection failed: ")
