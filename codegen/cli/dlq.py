"""``contracts dlq list|replay|purge``: dead letters, inspected, put back, deleted.

Each takes ``--redis`` (any node of a cluster will do; see runtime.connect). A
Redis failure (refused credentials, a missing permission, TLS, MOVED) is one line
with the URL's password redacted, exit 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from codegen.cli.config import resolve_config
from codegen.cli.options import FormatOpt, OutOpt, RedisOpt, StreamOpt
from codegen.cli.output import Annotation, Format, Report, show, usage_error

if TYPE_CHECKING:
    from runtime.connect import Client
    from runtime.deadletter import DeadFilter
    from runtime.envelope import Codec

dlq_app = typer.Typer(
    no_args_is_help=True, help="Inspect, replay and purge dead letters."
)

IdsOpt = Annotated[
    list[str] | None, typer.Option("--id", help="Only these entries (repeat)")
]
GroupOpt = Annotated[
    str | None,
    typer.Option("--group", help="Only the dead letters of this consumer group"),
]
ReasonOpt = Annotated[
    str | None,
    typer.Option("--reason", help="Only the dead letters with this dlq.reason"),
]


def _codec(out: Path | None) -> Codec:
    from codegen.checks.validate import validate_package_path
    from runtime import Codec, Contracts

    config = resolve_config(None, out)
    package = config.settings.python_package
    validate_package_path(config.out / "python", package)
    envelope = config.settings.envelope or "envelope.v1.json"
    return Codec(Contracts(package), source="contracts-cli", envelope=envelope)


@contextmanager
def _redis(url: str, action: str) -> Iterator[Callable[[], Client]]:
    """A connector for ``url``; any Redis failure inside becomes one line
    (``cannot <action> <url>: why``), exit 2."""
    from runtime.connect import ERRORS, connect, failure

    try:
        yield lambda: connect(url)
    except ERRORS as exc:
        raise usage_error(failure(exc, url, action)) from None


def _filter(ids: list[str] | None, group: str | None, reason: str | None) -> DeadFilter:
    from runtime.deadletter import DeadFilter

    return DeadFilter(frozenset(ids) if ids else None, group, reason)


def _error_line(err: Any) -> str:
    """One recorded violation or handler error, whatever a forged entry holds."""
    if isinstance(err, dict) and "pointer" in err:
        return (
            f"{err.get('pointer') or '/'}: expected {err.get('expected', '?')},"
            f" got {err.get('got', '?')}"
        )
    return str(err.get("error", err) if isinstance(err, dict) else err)


def _plural(n: int) -> str:
    return f"{n} dead-lettered entr{'y' if n == 1 else 'ies'}"


@dlq_app.command("list")
def dlq_list(
    stream: StreamOpt,
    redis_url: RedisOpt = "redis://127.0.0.1:6379/0",
    count: Annotated[int, typer.Option("--count", help="Show the oldest N")] = 100,
    error_format: FormatOpt = Format.text,
) -> None:
    """List the dead-lettered entries of a stream, with reasons and errors."""
    from runtime.deadletter import count_dead, list_dead

    with _redis(redis_url, "read dead letters from") as connect:
        client = connect()
        total = count_dead(client, stream)
        entries = list_dead(client, stream, count)
    report = Report(
        data=[
            {
                "id": e.id,
                "reason": e.reason,
                "errors": e.errors,
                "group": e.group,
                "source_entry": e.source_entry,
                "deliveries": e.deliveries,
                "time": e.time,
            }
            for e in entries
        ]
    )
    for e in entries:
        head = (
            f"{e.id} {e.reason} (from {e.source_entry}, group {e.group or '?'},"
            f" {e.deliveries} deliveries)"
        )
        lines = [_error_line(err) for err in e.errors]
        report.text += [head, *(f"  {line}" for line in lines)]
        report.annotations.append(
            Annotation("warning", f"dead letter {e.reason}", "\n".join([head, *lines]))
        )
    shown = f" (the oldest {len(entries)} shown)" if len(entries) < total else ""
    report.text.append(_plural(total) + shown)
    show(report, error_format)


@dlq_app.command("replay")
def dlq_replay(
    stream: StreamOpt,
    redis_url: RedisOpt = "redis://127.0.0.1:6379/0",
    ids: IdsOpt = None,
    group: GroupOpt = None,
    reason: ReasonOpt = None,
    out: OutOpt = None,
    error_format: FormatOpt = Format.text,
) -> None:
    """Validate dead letters again; deliver each valid one once more, to the group
    that dead-lettered it only (through that group's retry stream)."""
    from runtime.deadletter import replay

    codec = _codec(out)
    with _redis(redis_url, "replay dead letters at") as connect:
        result = replay(connect(), codec, stream, _filter(ids, group, reason))
    report = Report(
        text=[f"replayed {entry_id}" for entry_id in result.replayed]
        + [f"still invalid {i}: {why}" for i, why in result.still_invalid]
        + [
            f"{len(result.replayed)} replayed,"
            f" {len(result.still_invalid)} still invalid"
            + (
                f", {len(result.gone)} already replayed or purged by another run"
                if result.gone
                else ""
            )
        ],
        data={
            "replayed": list(result.replayed),
            "still_invalid": [
                {"id": i, "reason": why} for i, why in result.still_invalid
            ],
            "gone": list(result.gone),
        },
        annotations=[
            Annotation("error", "dead letter still invalid", f"{i}: {why}")
            for i, why in result.still_invalid
        ],
    )
    show(report, error_format)
    if result.still_invalid:
        raise typer.Exit(1)


@dlq_app.command("purge")
def dlq_purge(
    stream: StreamOpt,
    redis_url: RedisOpt = "redis://127.0.0.1:6379/0",
    ids: IdsOpt = None,
    group: GroupOpt = None,
    reason: ReasonOpt = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Delete them (without it: only count them)")
    ] = False,
    error_format: FormatOpt = Format.text,
) -> None:
    """Delete dead letters (all, or those the filters select); needs --yes."""
    from runtime.deadletter import matching, purge

    wanted = _filter(ids, group, reason)
    with _redis(redis_url, "purge dead letters at") as connect:
        client = connect()
        if not yes:
            n = matching(client, stream, wanted)
            raise usage_error(
                f"would delete {_plural(n)} of {stream}; nothing deleted"
                " (pass --yes to delete them)"
            )
        deleted = purge(client, stream, wanted)
    show(
        Report(
            text=[f"purged {_plural(len(deleted))} of {stream}"],
            data={"purged": deleted},
            annotations=[
                Annotation(
                    "notice", "dead letters purged", f"{len(deleted)} of {stream}"
                )
            ],
        ),
        error_format,
    )
