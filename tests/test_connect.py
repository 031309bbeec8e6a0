"""runtime.connect without a server: URLs printed without their password, and each
kind of Redis failure said in one line (the CLI against real servers:
tests/test_cli_redis.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st
from redis.exceptions import RedisClusterException

from runtime.connect import BadURL, connect, failure, redact, secrets


@pytest.mark.parametrize(
    ("url", "printed"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("redis://:hunter2@h:1/0", "redis://:***@h:1/0"),
        ("rediss://ops:hunter2@h:1/0", "rediss://ops:***@h:1/0"),
        ("redis+cluster://ops:p%40ss@h:1", "redis+cluster://ops:***@h:1"),
        ("redis://ops@h:1/0", "redis://ops@h:1/0"),  # a user, no password
        ("redis://ops:a@b@h:1/0", "redis://ops:***@h:1/0"),  # an unescaped @
        (
            "rediss://h:1/0?password=hunter2&ssl_ca_certs=/ca.pem",
            "rediss://h:1/0?password=***&ssl_ca_certs=/ca.pem",
        ),
        ("not-a-url", "not-a-url"),
    ],
)
def test_redact(url: str, printed: str) -> None:
    assert redact(url) == printed


def test_secrets_as_written_and_decoded() -> None:
    assert secrets("redis://ops:p%40ss@h:1/0?pass=x2") == ["p%40ss", "p@ss", "x2"]
    assert secrets("redis://h:1/0") == []
    assert secrets("redis://ops:pw1@[::1") == ["pw1"]  # urlsplit refuses it


URL = "redis://ops:hunter2@h:1/0"
WHERE = "cannot read dead letters from redis://ops:***@h:1/0: "


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (
            redis.AuthenticationError("invalid username-password pair"),
            "authentication failed: invalid username-password pair",
        ),
        (
            redis.exceptions.NoPermissionError(
                "this user has no permissions to run the 'xlen' command"
            ),
            "permission denied: this user has no permissions to run the 'xlen'"
            " command",
        ),
        (
            redis.exceptions.MovedError("3999 127.0.0.1:7002"),
            "MOVED 3999 127.0.0.1:7002: a Redis Cluster node that does not hold the"
            " key (use a redis+cluster:// URL)",
        ),
        (
            redis.ConnectionError("Error 1. [SSL: CERTIFICATE_VERIFY_FAILED]"),
            "TLS handshake failed: Error 1. [SSL: CERTIFICATE_VERIFY_FAILED]",
        ),
        (
            redis.ConnectionError("Error 111 connecting to h:1.\nConnection refused."),
            "connection failed: Error 111 connecting to h:1. Connection refused.",
        ),
        (BadURL("no scheme"), "invalid Redis URL: no scheme"),
        (RedisClusterException("Cluster mode is not enabled"), "Redis Cluster: Cluster"
         " mode is not enabled"),
        (redis.ResponseError("ERR unknown"), "Redis answered: ERR unknown"),
    ],
)  # fmt: skip
def test_failure_is_one_line(error: Exception, why: str) -> None:
    assert failure(error, URL, "read dead letters from") == WHERE + why


def test_failure_never_prints_the_password() -> None:
    error = redis.ResponseError("WRONGPASS hunter2 is not p@ss")
    line = failure(error, "redis://ops:p%40ss@h:1/0?password=hunter2", "use")
    assert "hunter2" not in line and "p@ss" not in line and "p%40ss" not in line
    assert line.endswith(": Redis answered: WRONGPASS *** is not ***")


def test_a_cluster_that_cannot_be_reached_says_why_the_node_refused() -> None:
    try:
        try:
            raise redis.AuthenticationError("invalid username-password pair")
        except redis.AuthenticationError as cause:
            raise RedisClusterException("Redis Cluster cannot be connected") from cause
    except RedisClusterException as exc:
        line = failure(exc, URL, "use")
    assert line.endswith(": authentication failed: invalid username-password pair")


def test_connect_refuses_other_schemes() -> None:
    with pytest.raises(BadURL, match=r"starts with redis://, rediss://"):
        connect("http://h:1")
    with pytest.raises(BadURL):
        connect("unix:///tmp/redis.sock")
    with pytest.raises(BadURL, match="Port could not be cast"):
        connect("redis://h:port/0")
    with pytest.raises(BadURL, match="Port could not be cast"):
        connect("redis+cluster://h:port")


@settings(max_examples=300, deadline=None)
@given(
    password=st.text(
        st.characters(codec="utf-8", exclude_characters="*"), min_size=4, max_size=30
    ),
    in_query=st.booleans(),
)
def test_no_password_survives(password: str, in_query: bool) -> None:
    """Whatever the password (percent-encoded in the URL, as it must be), neither the
    printed URL nor an error line that quotes it shows it, encoded or not."""
    written = quote(password, safe="")
    url = (
        f"rediss://h:1/0?password={written}"
        if in_query
        else f"rediss://ops:{written}@h:1/0"
    )
    assert redact(url) == (
        "rediss://h:1/0?password=***" if in_query else "rediss://ops:***@h:1/0"
    )
    line = failure(redis.ResponseError(f"no {password} / {written}"), url, "use")
    assert password not in line and written not in line
