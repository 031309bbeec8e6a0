"""A Redis client from a URL, for tools: one server or a whole Redis Cluster.

``redis://`` and ``rediss://`` (TLS) URLs name one server; when that server is a
Redis Cluster node, the client is a cluster client seeded with it (so any node of a
cluster will do). ``redis+cluster://`` and ``rediss+cluster://`` ask for a cluster
client outright. Options redis-py reads from the query string work in every form
(``?ssl_ca_certs=ca.pem``, ``?socket_timeout=5``).

:func:`redact` is the form of a URL that may be printed (its password is ``***``);
:func:`failure` says in one line, without the password, why a command failed.
"""

from __future__ import annotations

from urllib.parse import (
    parse_qsl,
    unquote,
    unquote_plus,
    urlencode,
    urlsplit,
    urlunsplit,
)

import redis
from redis.cluster import RedisCluster
from redis.exceptions import RedisClusterException

Client = redis.Redis | RedisCluster

CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}
SCHEMES = ("redis", "rediss", *CLUSTER_SCHEMES)
SECRET_PARAMETERS = frozenset({"password", "pass", "passwd", "auth"})


class BadURL(ValueError):
    """A URL neither this module nor redis-py accepts."""


# What a command run against a URL may raise: Redis replies and connection
# failures, the cluster client's own errors, a URL refused, a certificate file
# that cannot be read.
ERRORS = (redis.RedisError, RedisClusterException, BadURL, OSError)


def redact(url: str) -> str:
    """``url`` with its password (in the user part or the query) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            name, colon, _ = user.partition(":")
            netloc = f"{name}{colon and ':***'}@{host}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(k.lower() in SECRET_PARAMETERS for k, _ in pairs):
                query = urlencode(
                    [
                        (k, "***" if k.lower() in SECRET_PARAMETERS else v)
                        for k, v in pairs
                    ],
                    safe="/*",
                )
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:
        return "<a Redis URL that cannot be parsed>"


def secrets(url: str) -> list[str]:
    """The passwords a URL carries (as written and decoded), to scrub from text."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: the netloc by hand
        rest = url.partition("://")[2]
        parts = urlsplit("//" + rest.split("/", 1)[0].replace("[", "").replace("]", ""))
    found = []
    user = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if ":" in user:
        found.append(user.partition(":")[2])
    for pair in parts.query.split("&"):  # as written: parse_qsl would decode
        name, _, value = pair.partition("=")
        if unquote_plus(name).lower() in SECRET_PARAMETERS:
            found.append(value)
    found += [unquote(s) for s in found] + [unquote_plus(s) for s in found]
    return sorted({s for s in found if s}, key=len, reverse=True)


def connect(url: str, *, timeout: float = 10.0) -> Client:
    """A client for ``url``: a cluster client for a ``+cluster`` scheme or when the
    server named is a cluster node, else a plain one. Connects (and so raises one of
    :data:`ERRORS` when the server cannot be reached, refuses the credentials or
    the certificate)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in SCHEMES:
        raise BadURL(
            "a Redis URL starts with redis://, rediss://, redis+cluster:// or"
            " rediss+cluster://"
        )
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    plain = CLUSTER_SCHEMES.get(scheme.lower())
    try:
        if plain is not None:
            return RedisCluster.from_url(f"{plain}://{rest}", **options)
        client = redis.Redis.from_url(url, **options)
    except ValueError as exc:  # redis-py's word for a URL it cannot parse
        raise BadURL(str(exc)) from None
    if not _is_cluster_node(client):
        return client
    client.close()
    return RedisCluster.from_url(url, **options)


def _is_cluster_node(client: redis.Redis) -> bool:
    try:
        info = client.info("cluster")
    except redis.exceptions.NoPermissionError:
        # INFO refused to this user: a cluster then shows itself by a MOVED reply,
        # reported with a hint to use redis+cluster://.
        client.ping()
        return False
    return bool(info.get("cluster_enabled"))


def failure(exc: BaseException, url: str, action: str = "use") -> str:
    """Why ``cannot <action> <url>``, in one line, with no password in it."""
    cause = exc.__cause__
    if isinstance(exc, RedisClusterException) and isinstance(cause, ERRORS):
        exc = cause  # no node answered: say why the one tried refused
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, redis.exceptions.AuthenticationError):
        why = f"authentication failed: {detail}"
    elif isinstance(exc, redis.exceptions.NoPermissionError):
        why = f"permission denied: {detail}"
    elif isinstance(exc, redis.exceptions.MovedError):
        why = (
            f"MOVED {detail}: a Redis Cluster node that does not hold the key"
            " (use a redis+cluster:// URL)"
        )
    elif isinstance(exc, redis.exceptions.ConnectionError) and _is_tls(exc):
        why = f"TLS handshake failed: {detail}"
    elif isinstance(exc, redis.exceptions.ConnectionError | OSError):
        why = f"connection failed: {detail}"
    elif isinstance(exc, RedisClusterException):
        why = f"Redis Cluster: {detail}"
    elif isinstance(exc, BadURL):
        why = f"invalid Redis URL: {detail}"
    else:
        why = f"Redis answered: {detail}"
    line = f"cannot {action} {redact(url)}: {why}"
    for secret in secrets(url):
        line = line.replace(secret, "***")
    return line


def _is_tls(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("ssl", "tls", "certificate", "wrong version number"))
