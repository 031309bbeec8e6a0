"""Test helpers for services using the runtime: real, throwaway redis-servers.

Started on free loopback ports with no persistence, stopped afterwards. Tests that
need to kill or restart Redis use :class:`RedisServer` directly; :class:`TLSFiles`
makes a server speak TLS only, and :class:`RedisClusterServers` starts a Redis
Cluster of several masters (``redis-server --cluster-enabled yes``) and assigns the
16384 slots between them.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    import redis

CLUSTER_SLOTS = 16384


@dataclass(frozen=True)
class TLSFiles:
    """PEM files of a TLS server: its certificate chain, key, and the CA to trust."""

    ca: Path
    cert: Path
    key: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process on 127.0.0.1:<port>; with ``tls``, that port speaks
    TLS only (clients are not asked for certificates). ``args`` are more
    redis-server options (e.g. ``("--cluster-enabled", "yes")``)."""

    def __init__(
        self,
        port: int | None = None,
        persistent: bool = False,
        *,
        args: Sequence[str] = (),
        tls: TLSFiles | None = None,
    ) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (make test installs it)")
        self.binary = binary
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="contracts-redis-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.persistent = persistent  # append-only file kept across restarts
        self.args = tuple(args)
        self.tls = tls

    @property
    def url(self) -> str:
        if self.tls is None:
            return f"redis://127.0.0.1:{self.port}/0"
        ca = quote(str(self.tls.ca), safe="/")
        return f"rediss://127.0.0.1:{self.port}/0?ssl_ca_certs={ca}"

    def _command(self) -> list[str]:
        ports: tuple[str, ...] = ("--port", str(self.port))
        if self.tls is not None:
            ports = ("--port", "0", "--tls-port", str(self.port))
            ports += ("--tls-cert-file", str(self.tls.cert))
            ports += ("--tls-key-file", str(self.tls.key))
            ports += ("--tls-ca-cert-file", str(self.tls.ca))
            ports += ("--tls-auth-clients", "no")
        return [
            self.binary,
            *ports,
            *("--bind", "127.0.0.1", "--save", ""),
            *("--dir", str(self.dir), "--appendfsync", "always"),
            *("--appendonly", "yes" if self.persistent else "no"),
            *self.args,
        ]

    def _pong(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as raw:
            if self.tls is None:
                raw.sendall(b"PING\r\n")
                return raw.recv(16).startswith(b"+PONG")
            context = ssl.create_default_context(cafile=str(self.tls.ca))
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            self._command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self._pong():
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisClusterServers:
    """A Redis Cluster of ``masters`` redis-servers (no replicas) on free loopback
    ports: each started with ``--cluster-enabled yes``, given an equal share of the
    slots (``CLUSTER ADDSLOTSRANGE``) and introduced to the first (``CLUSTER MEET``);
    ready when every node reports ``cluster_state:ok`` and knows every slot."""

    def __init__(self, masters: int = 3) -> None:
        # the bus ports; else port + 10000, past 65535 for high free ports
        self.bus_ports = [free_port() for _ in range(masters)]
        self.servers = [
            RedisServer(
                args=(
                    *("--cluster-enabled", "yes"),
                    *("--cluster-config-file", "nodes.conf"),
                    *("--cluster-node-timeout", "5000"),
                    *("--cluster-port", str(bus)),
                )
            )
            for bus in self.bus_ports
        ]

    @property
    def urls(self) -> list[str]:
        """One URL per node (any of them reaches the whole cluster)."""
        return [s.url for s in self.servers]

    def start(self) -> RedisClusterServers:
        import redis  # the redis extra; only this helper needs it

        for server in self.servers:
            server.start()
        clients = [redis.Redis(port=s.port) for s in self.servers]
        try:
            share = CLUSTER_SLOTS // len(clients)
            for i, client in enumerate(clients):
                last = CLUSTER_SLOTS if i == len(clients) - 1 else (i + 1) * share
                _command(client, "CLUSTER ADDSLOTSRANGE", i * share, last - 1)
                _command(client, "CLUSTER SET-CONFIG-EPOCH", i + 1)
            first = (self.servers[0].port, self.bus_ports[0])
            for client in clients[1:]:
                _command(client, "CLUSTER MEET", "127.0.0.1", *first)
            deadline = time.monotonic() + 30
            while not all(self._ready(c) for c in clients):
                if time.monotonic() > deadline:
                    raise RuntimeError("the Redis Cluster did not become ready in 30 s")
                time.sleep(0.1)
        finally:
            for client in clients:
                client.close()
        return self

    def _ready(self, client: redis.Redis) -> bool:
        info = _command(client, "CLUSTER INFO")  # redis-py parses it into a dict
        fields = {str(k): str(v) for k, v in dict(info).items()}  # type: ignore[call-overload]
        return (
            fields.get("cluster_state") == "ok"
            and fields.get("cluster_slots_ok") == str(CLUSTER_SLOTS)
            and fields.get("cluster_known_nodes") == str(len(self.servers))
        )

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def __enter__(self) -> RedisClusterServers:
        try:
            return self.start()
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.__exit__()


def _command(client: redis.Redis, *args: object) -> object:
    return client.execute_command(*args)  # type: ignore[no-untyped-call]


def tls_files(folder: Path) -> TLSFiles:
    """A throwaway CA and a server certificate for 127.0.0.1 and localhost, written
    to ``folder`` (needs ``trustme``, a dev dependency)."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    files = TLSFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    ca.cert_pem.write_to_path(str(files.ca))
    cert.cert_chain_pems[0].write_to_path(str(files.cert))
    cert.private_key_pem.write_to_path(str(files.key))
    return files


def redis_url_from_env() -> str | None:
    return os.environ.get("REDIS_URL") or None
