"""``contracts dlq list|replay``: dead letters, inspected and put back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from codegen.cli.config import resolve_config
from codegen.cli.options import OutOpt, RedisOpt, StreamOpt
from codegen.cli.output import Annotation, Format, FormatOpt, Report, show, usage_error

if TYPE_CHECKING:
    from runtime.envelope import Codec

dlq_app = typer.Typer(no_args_is_help=True, help="Inspect and replay dead letters.")


def _codec(out: Path | None) -> Codec:
    from codegen.checks.validate import validate_package_path
    from runtime import Codec, Contracts

    config = resolve_config(None, out)
    package = config.settings.python_package
    validate_package_path(config.out / "python", package)
    envelope = config.settings.envelope or "envelope.v1.json"
    return Codec(Contracts(package), source="contracts-cli", envelope=envelope)


def _error_line(err: Any) -> str:
    if isinstance(err, dict) and "pointer" in err:
        return f"{err['pointer'] or '/'}: expected {err['expected']}, got {err['got']}"
    return str(err.get("error", err) if isinstance(err, dict) else err)


@dlq_app.command("list")
def dlq_list(
    stream: StreamOpt,
    redis_url: RedisOpt = "redis://127.0.0.1:6379/0",
    count: Annotated[int, typer.Option("--count")] = 100,
    error_format: FormatOpt = Format.text,
) -> None:
    """List the dead-lettered entries of a stream, with reasons and errors."""
    import redis

    from runtime.deadletter import list_dead

    try:
        entries = list_dead(redis.Redis.from_url(redis_url), stream, count)
    except redis.ConnectionError as exc:
        raise usage_error(str(exc)) from None
    report = Report(
        data=[
            {
                "id": e.id,
                "reason": e.reason,
                "errors": e.errors,
                "source_entry": e.source_entry,
                "deliveries": e.deliveries,
                "time": e.time,
            }
            for e in entries
        ]
    )
    for e in entries:
        head = f"{e.id} {e.reason} (from {e.source_entry}, {e.deliveries} deliveries)"
        lines = [_error_line(err) for err in e.errors]
        report.text += [head, *(f"  {line}" for line in lines)]
        report.annotations.append(
            Annotation("warning", f"dead letter {e.reason}", "\n".join([head, *lines]))
        )
    report.text.append(
        f"{len(entries)} dead-lettered entr{'y' if len(entries) == 1 else 'ies'}"
    )
    show(report, error_format)


@dlq_app.command("replay")
def dlq_replay(
    stream: StreamOpt,
    redis_url: RedisOpt = "redis://127.0.0.1:6379/0",
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Only these entries (repeat)")
    ] = None,
    out: OutOpt = None,
    error_format: FormatOpt = Format.text,
) -> None:
    """Validate dead letters again and put the valid ones back on their stream."""
    import redis

    from runtime.deadletter import replay

    codec = _codec(out)
    try:
        result = replay(redis.Redis.from_url(redis_url), codec, stream, ids)
    except redis.ConnectionError as exc:
        raise usage_error(str(exc)) from None
    report = Report(
        text=[f"replayed {entry_id}" for entry_id in result.replayed]
        + [f"still invalid {i}: {reason}" for i, reason in result.still_invalid]
        + [
            f"{len(result.replayed)} replayed,"
            f" {len(result.still_invalid)} still invalid"
        ],
        data={
            "replayed": list(result.replayed),
            "still_invalid": [
                {"id": i, "reason": reason} for i, reason in result.still_invalid
            ],
        },
        annotations=[
            Annotation("error", "dead letter still invalid", f"{i}: {reason}")
            for i, reason in result.still_invalid
        ],
    )
    show(report, error_format)
    if result.still_invalid:
        raise typer.Exit(1)
