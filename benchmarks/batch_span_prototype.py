"""Alternative (a) of docs/observability.md (issue #17), measured, not adopted: one
``process`` span per consumed batch with a link to each producer context, instead of
one span per message. The runtime does not do this; this script writes a patched copy
of the generated Node package (generated/ts) to a temporary directory and runs
benchmarks/node/telemetry_sides.mjs on it, so the figures in the docs can be
measured again. The patch is text replacements in the compiled streams.js and
telemetry.js; it stops with an error when that code has moved.

    python benchmarks/batch_span_prototype.py [--handler-in batch|producer] [--runs N]
        [--chunks N]

``--handler-in batch``: the handler runs in the batch span's context (its publishes
are children of the batch span, in the consumer's own trace). ``producer``: in each
message's producer context (its publishes stay in the producer's trace, and the Node
hop has no span there).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generated" / "ts"
BENCH = ROOT / "benchmarks" / "node" / "telemetry_sides.mjs"

# (file, old, new): the batch span is started before the entries are processed and
# ended, with its links, before the settle span; a traced entry adds its producer
# context to the links (once per run of entries sharing it) and runs its handler in
# the chosen context.
STREAMS = [
    (
        """        for (const item of items) {
            const handling = this.#process(item, batch);""",
        """        batch.links = [];
        batch.lastLink = undefined;
        batch.processSpan = batch.tracing && items.length > 0
            ? tel.messaging("process", this.#stream, {
                group: this.#group, count: items.length,
            })
            : undefined;
        for (const item of items) {
            const handling = this.#process(item, batch);""",
    ),
    (
        """        const settle = batch.tracing
            ? tel.messaging("settle\"""",
        """        if (batch.processSpan !== undefined) {
            tel.addLinks(batch.processSpan, batch.links);
            Telemetry.end(batch.processSpan);
        }
        const settle = batch.tracing
            ? tel.messaging("settle\"""",
    ),
    (
        """                span = tel.process(this.#stream, this.#group, id, trace);""",
        """                const ctx = tel.parentContext(trace);
                if (ctx !== batch.lastLink) {
                    batch.lastLink = ctx;
                    batch.links.push(ctx);
                }
                producer = ctx;""",
    ),
    (
        """        let span;
        if (batch.tracing) {""",
        """        let span;
        let producer;
        if (batch.tracing) {""",
    ),
]
CALL_OLD = """                span === undefined
                    ? handler(envelope.data, delivery)
                    : tel.call(span, handler, envelope.data, delivery);"""
CALL_NEW = """                producer === undefined
                    ? handler(envelope.data, delivery)
                    : CALL;"""
CALLS = {
    "batch": "tel.call(batch.processSpan, handler, envelope.data, delivery)",
    "producer": "tel.callIn(producer, handler, envelope.data, delivery)",
}
TELEMETRY = [
    (
        """    /** Runs `fn` with""",
        """    parentContext(parent) {
        return this.#extract(api, parent);
    }
    addLinks(handle, contexts) {
        const links = contexts.map((c) => ({ context: api.trace.getSpanContext(c) }));
        handle.span.addLinks(links);
    }
    callIn(context, fn, a, b) {
        return api.context.with(context, fn, undefined, a, b);
    }
    /** Runs `fn` with""",
    ),
]


def patch(path: Path, replacements: list[tuple[str, str]]) -> None:
    text = path.read_text("utf-8")
    for old, new in replacements:
        if text.count(old) != 1:
            sys.exit(f"{path.name}: the code to patch has moved ({old.strip()[:60]!r})")
        text = text.replace(old, new)
    path.write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handler-in", choices=sorted(CALLS), default="batch")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunks", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="contracts-batch-span-") as tmp:
        copy = Path(tmp) / "ts"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("node_modules"))
        call = (CALL_OLD, CALL_NEW.replace("CALL", CALLS[args.handler_in]))
        patch(copy / "streams.js", [*STREAMS, call])
        patch(copy / "telemetry.js", TELEMETRY)
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                ["node", str(BENCH), "--package", str(copy),
                 "--chunks", str(args.chunks), "--paths", "consume"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(
        f"consume, one process span per batch, handler in the {args.handler_in}"
        f" context; median of {args.runs} runs of {args.chunks} chunks"
    )
    for side in runs[0]["sides"]:  # the consume path (publishing is not patched)
        cpu = statistics.median(r["sides"][side]["consume"]["cpuUs"] for r in runs)
        overhead = statistics.median(
            r["sides"][side]["consume"]["overhead"] for r in runs
        )
        print(f"{side:18} {cpu:5.2f} us  overhead {100 * overhead:5.1f}%")


if __name__ == "__main__":
    main()
