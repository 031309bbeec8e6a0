"""``contracts drift``: schemas vs the generated packages, a service's installed
package, or the services live in Redis."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codegen.cli.config import Config, resolve_config
from codegen.cli.options import EnvelopeOpt, FormatOpt, OutOpt, SchemasOpt
from codegen.cli.output import (
    Annotation,
    Format,
    Report,
    compile_failure,
    show,
    usage_error,
)
from codegen.errors import CompileError

if TYPE_CHECKING:  # imported when the command runs: other commands do without
    from codegen.checks.livedrift import LiveReport


def drift(
    schemas: SchemasOpt = None,
    out: OutOpt = None,
    redis_url: Annotated[
        str | None,
        typer.Option(
            "--redis",
            help="Check the live services announced in this Redis (redis://host:port/db;"
            " any node of a cluster, or redis+cluster://host:port) instead of the"
            " generated packages",
        ),
    ] = None,
    packages: Annotated[
        list[Path] | None,
        typer.Option(
            "--package",
            help="Check this generated package (e.g. a service's"
            " node_modules/@platform/contracts) against the schemas; repeatable",
        ),
    ] = None,
    envelope: EnvelopeOpt = None,
    error_format: FormatOpt = Format.text,
) -> None:
    """Exit 1 when the Python package, the npm package and the schemas disagree;
    with --redis, when live services run incompatible versions of a contract; with
    --package, when a service's installed package does (at build time)."""
    config = resolve_config(schemas, out, envelope)
    if redis_url is not None or packages:
        _live(redis_url, packages or [], config, error_format)
        return
    from codegen.checks.drift import static_drift

    try:
        findings = static_drift(config.schemas, config.out, config.settings)
    except CompileError as exc:
        raise compile_failure(exc, error_format) from None
    summary = (
        f"{len(findings)} contract(s) differ"
        if findings
        else "python, node and schemas agree on every contract fingerprint"
    )
    show(
        Report(
            text=[*(str(f) for f in findings), summary],
            data=[f.__dict__ for f in findings],
            annotations=[
                Annotation("error", "contract drift", str(f)) for f in findings
            ],
        ),
        error_format,
    )
    if findings:
        raise typer.Exit(1)


def _live(url: str | None, packages: list[Path], config: Config, fmt: Format) -> None:
    from codegen.checks.livedrift import live_drift, package_drift

    envelope = config.settings.envelope
    if url is None:
        try:
            report = package_drift(packages, config.schemas, envelope)
        except CompileError as exc:
            raise compile_failure(exc, fmt) from None
        what = "packages"
    else:
        from runtime.connect import ERRORS, connect, failure

        try:
            report = live_drift(connect(url), config.schemas, envelope)
        except CompileError as exc:
            raise compile_failure(exc, fmt) from None
        except ERRORS as exc:
            raise usage_error(failure(exc, url, "read presence from")) from None
        what = "live services"
    show(
        Report(
            text=_text(report, what),
            data=report.as_dict(),
            annotations=_annotations(report),
        ),
        fmt,
    )
    if report.failed:
        raise typer.Exit(1)


def _text(report: LiveReport, what: str = "live services") -> list[str]:
    from codegen.checks.livedrift import short

    lines = [f"{what} ({len(report.services)}):"]
    live = any(s.heartbeat for s in report.services)
    rows = [
        (s.service, s.runtime, f"{s.package} {short(s.fingerprint)}", s.instance)[
            : 4 if live else 3
        ]
        for s in report.services
    ]
    columns = len(rows[0]) if rows else 0
    widths = [max(len(r[i]) for r in rows) for i in range(columns)]
    for s, row in zip(report.services, rows, strict=True):
        cells = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
        lines.append(f"  {cells}  heartbeat {s.heartbeat}" if live else f"  {cells}")
        for d in s.drift:
            lines.append(
                f"    received {d.get('count')} {d.get('type')} v{d.get('version')}"
                f" message(s) built from {short(str(d.get('fingerprint')))}"
            )
    for problem in report.problems:
        lines.append(f"unreadable record: {problem}")
    for c in report.contracts:
        title = f"{c.contract} ({c.message})" if c.message else c.contract
        lines.append(f"{title} runs in {len(c.running)} versions:")
        for fp, labels in c.running.items():
            mark = "  = schemas/" if fp == c.local and "schemas/" not in labels else ""
            lines.append(f"  {short(fp)}  {', '.join(labels)}{mark}")
        if not c.pairs:
            lines.append("  no writer and reader between the versions: harmless")
        for p in c.pairs:
            status = p.status + (f": {p.reason}" if p.reason else "")
            lines.append(
                f"  {', '.join(p.writers)} [{short(p.writer)}] -> "
                f"{', '.join(p.readers)} [{short(p.reader)}]: {status}"
            )
            for f in p.findings:
                lines.append(
                    f"    {f.severity} {f.rule} {f.file}#{f.pointer}: {f.message}"
                    f" (hint: {f.hint})"
                )
    if report.shared:
        lines.append(
            "shared definition files in several versions (judged through the"
            f" contracts above): {', '.join(report.shared)}"
        )
    bad = sum(p.status != "compatible" for c in report.contracts for p in c.pairs)
    if not report.contracts:
        lines.append(f"the {what} run the same version of each contract")
    else:
        lines.append(
            f"{len(report.contracts)} contract(s) in several versions;"
            f" {bad} writer -> reader pair(s) not known to be compatible"
        )
    return lines


def _annotations(report: LiveReport) -> list[Annotation]:
    from codegen.checks.livedrift import short

    out = [
        Annotation("error", "unreadable presence record", p) for p in report.problems
    ]
    for c in report.contracts:
        for p in c.pairs:
            out.append(
                Annotation(
                    "notice" if p.status == "compatible" else "error",
                    "live contract drift",
                    f"{c.contract}: {', '.join(p.writers)} [{short(p.writer)}] ->"
                    f" {', '.join(p.readers)} [{short(p.reader)}]: {p.status}"
                    + (f" ({p.reason})" if p.reason else ""),
                )
            )
    return out
