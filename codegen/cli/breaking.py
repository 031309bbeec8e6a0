"""``contracts breaking``: the schemas now against a git revision or a folder."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codegen.cli.config import resolve_config
from codegen.cli.options import EnvelopeOpt, FormatOpt, SchemasOpt, StrictOpt
from codegen.cli.output import (
    Annotation,
    Format,
    Level,
    Report,
    compile_failure,
    show,
)
from codegen.errors import CompileError

if TYPE_CHECKING:  # imported when the command runs: other commands do without
    from codegen.checks.breaking.report import BreakingReport

_LEVEL: dict[str, Level] = {"incompatible": "error", "warning": "warning"}


class CompatMode(StrEnum):
    backward = "backward"
    forward = "forward"
    full = "full"


def breaking(
    against: Annotated[
        str, typer.Option("--against", help="Git revision, or a folder of old schemas")
    ],
    schemas: SchemasOpt = None,
    mode: Annotated[
        CompatMode | None,
        typer.Option("--mode", help="For every file (default: per catalogue entry)"),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", help="Accepted findings (default: contracts-baseline.json)"
        ),
    ] = None,
    write_baseline: Annotated[
        bool, typer.Option("--write-baseline", help="Accept the current findings")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list compatible changes")
    ] = False,
    envelope: EnvelopeOpt = None,
    strict: StrictOpt = None,
    error_format: FormatOpt = Format.text,
) -> None:
    """Exit 1 when the schemas break compatibility with those at --against."""
    from codegen.checks.breaking.report import (
        BASELINE_FILE,
        check_breaking,
        save_baseline,
    )

    config = resolve_config(schemas, None, envelope, strict)
    root = config.source.parent if config.source else Path.cwd()
    path = baseline or root / BASELINE_FILE
    read = path.is_file() or (baseline is not None and not write_baseline)
    try:
        report = check_breaking(
            config.schemas,
            against,
            mode and mode.value,
            path if read else None,
            config.settings.envelope,
            config.settings.strict,
        )
        if write_baseline:
            report = save_baseline(path, report)
            typer.echo(f"wrote {path}", err=True)
    except CompileError as exc:
        raise compile_failure(exc, error_format) from None
    show(_report(report, verbose, config.schemas), error_format)
    if report.failed:
        raise typer.Exit(1)


def _report(report: BreakingReport, verbose: bool, folder: Path) -> Report:
    from codegen.checks.breaking.report import effect, finding_row

    failed = sum(v.status == "incompatible" for v in report.verdicts)
    accepted = sum(v.status == "accepted" for v in report.verdicts)
    out = Report(
        data={
            "against": report.against,
            "incompatible": failed,
            "accepted": accepted,
            "findings": [finding_row(v) for v in report.verdicts],
            "unused_baseline": list(report.unused),
        }
    )
    try:
        folder = folder.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        pass
    for v in report.verdicts:
        if not verbose and v.status == "info":
            continue
        f = v.finding
        tag = (
            f.rule if f.severity in ("breaking", "info") else f"{f.rule}, {f.severity}"
        )
        text = f"[{tag}] {f.message} ({effect(f)})"
        if f.hint and v.status != "info":
            text += f" hint: {f.hint}"
        if v.status == "accepted":
            text += f" [accepted: {v.reason or 'no reason given'}]"
        elif v.status == "allowed":
            modes = "/".join(sorted(v.required))
            text += f" [allowed: only {modes} compatibility is required here]"
        prefix = "" if v.status == "incompatible" else f"{v.status}: "
        out.text.append(f"{prefix}{f.file}#{f.pointer}: {text}")
        out.annotations.append(
            Annotation(
                _LEVEL.get(v.status, "notice"),
                f.rule,
                f"{f.pointer or '/'}: {text}",
                (folder / f.file).as_posix(),
            )
        )
    for e in report.unused:
        out.text.append(
            f"note: baseline entry {e['rule']} {e['file']}#{e['pointer']}"
            " matches no finding any more; remove it"
        )
    summary = f"no incompatible change against {report.against}"
    if failed:
        summary = f"{failed} incompatible change(s) against {report.against}"
    if accepted:
        summary += f" ({accepted} accepted in the baseline)"
    out.text.append(summary)
    return out
