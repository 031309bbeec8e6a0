"""The Python envelope codec: payloads validated on encode and decode."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runtime import Codec, Contracts, ContractViolation, UnknownContract
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def codec() -> Codec:
    return Codec(Contracts("platform_contracts"), source="python:test")


def _sample(name: str) -> dict[str, Any]:
    path = ROOT / "tests" / "samples" / "agent" / "task_accepted.v1" / name
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def test_model_round_trip(codec: Codec) -> None:
    from platform_contracts.agent.task_accepted_v1 import AgentTaskAccepted

    model = AgentTaskAccepted.model_validate(_sample("valid-full.json"))
    raw = codec.encode(model, correlation_id="4a8d2f6c-0b1e-4c3d-a5f7-8e9b0c1d2e3f")
    envelope = json.loads(raw)
    assert envelope["type"] == "agent.task.accepted" and envelope["version"] == 1
    assert envelope["source"] == "python:test"
    assert envelope["fingerprint"].startswith("sha256:")
    message = codec.decode(raw)
    assert isinstance(message.data, AgentTaskAccepted)
    assert message.data == model and message.fingerprint_matches


def test_dict_payload_needs_type_and_is_validated(codec: Codec) -> None:
    with pytest.raises(TypeError):
        codec.encode(_sample("valid-full.json"))
    with pytest.raises(ContractViolation) as info:
        codec.encode(
            _sample("invalid-string-attempt.json"),
            message_type="agent.task.accepted",
            version=1,
        )
    assert [v.pointer for v in info.value.violations] == ["/attempt"]


def test_decode_refuses_bad_payload_unknown_version_and_notices_drift(
    codec: Codec,
) -> None:
    raw = codec.encode(
        _sample("valid-full.json"), message_type="agent.task.accepted", version=1
    )
    envelope = json.loads(raw)
    envelope["data"]["attempt"] = "1"
    with pytest.raises(ContractViolation) as info:
        codec.decode(json.dumps(envelope))
    assert (
        str(info.value.violations[0]) == '/data/attempt: expected an integer, got "1"'
    )
    envelope = json.loads(raw)
    envelope["version"] = 9
    with pytest.raises(UnknownContract, match="known versions \\[1\\]"):
        codec.decode(json.dumps(envelope))
    envelope = json.loads(raw)
    envelope["fingerprint"] = "sha256:" + "0" * 64
    assert codec.decode(json.dumps(envelope)).fingerprint_matches is False


def test_ids_are_random_version_4_uuids() -> None:
    import re
    import uuid

    from runtime.envelope import new_id

    ids = [new_id() for _ in range(2000)]  # several refills of the pool
    assert len(set(ids)) == len(ids)
    for text in ids:
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", text
        )
        assert uuid.UUID(text).version == 4 and str(uuid.UUID(text)) == text


def test_assembled_envelopes_satisfy_the_envelope_contract(codec: Codec) -> None:
    """Without trace, correlation or message id the envelope is assembled as bytes
    around the validated payload: it must be what the two-step path builds."""
    contracts = codec.contracts
    validator = contracts.for_message("agent.task.accepted", 1)
    payload = _sample("valid-full.json")
    for _ in range(50):
        raw = codec.seal(validator, payload)
        envelope = json.loads(raw)
        assert list(envelope)[:3] == ["id", "type", "version"]  # the decode_fast head
        contracts.get("envelope.v1.json").validate_python(envelope)
        assert envelope["data"] == payload
        assert codec.decode(raw).fingerprint_matches
    slow = json.loads(codec.wrap(validator, payload))
    assert set(slow) == set(envelope)


def test_a_trace_context_is_assembled_too_and_a_bad_one_refused(codec: Codec) -> None:
    """A publish with a trace context (telemetry on) takes the assembled path: the
    trace is checked once per value and written before ``data``."""
    contracts = codec.contracts
    validator = contracts.for_message("agent.task.accepted", 1)
    payload = _sample("valid-full.json")
    trace = {
        "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
        "tracestate": "vendor=1",
    }
    for _ in range(3):
        raw = codec.seal(validator, payload, trace)
        envelope = json.loads(raw)
        assert list(envelope)[:3] == ["id", "type", "version"]
        assert envelope["trace"] == trace and envelope["data"] == payload
        contracts.get("envelope.v1.json").validate_python(envelope)
        decoded = codec.decode(raw)
        assert decoded.envelope.trace.traceparent == trace["traceparent"]
    slow = json.loads(codec.wrap(validator, payload, trace))
    assert set(slow) == set(envelope)
    with pytest.raises(ContractViolation) as info:
        codec.seal(validator, payload, {"traceparent": "not-a-traceparent"})
    assert [v.pointer for v in info.value.violations] == ["/trace/traceparent"]


def test_a_bad_source_or_an_oversized_payload_is_refused_on_encode() -> None:
    contracts = Contracts("platform_contracts")
    payload = _sample("valid-full.json")
    with pytest.raises(ContractViolation) as info:
        Codec(contracts, source="").encode(
            payload, message_type="agent.task.accepted", version=1
        )
    assert [v.pointer for v in info.value.violations] == ["/source"]
    from runtime.contracts import Limits

    small = Codec(Contracts("platform_contracts", Limits(max_bytes=200)), "python:t")
    with pytest.raises(ContractViolation) as info:
        small.encode(payload, message_type="agent.task.accepted", version=1)
    assert info.value.violations[0].expected == "at most 200 bytes"
    deep = Codec(Contracts("platform_contracts", Limits(max_depth=1)), "python:t")
    with pytest.raises(ContractViolation) as info:  # the envelope, then its data
        deep.encode(payload, message_type="agent.task.accepted", version=1)
    assert "nesting depth" in info.value.violations[0].expected


def test_lone_surrogates_never_crash_encode(codec: Codec) -> None:
    """#13.1: UTF-8 cannot carry a lone surrogate. In free-form data it is written
    as its escape (as JSON.stringify writes it) and read back; in a string field it
    is a violation whose text can be printed."""
    task = json.loads(
        (ROOT / "tests/samples/agent/task_requested.v1/valid-minimal.json").read_text()
    )
    free = dict(task, input={"\ud800": "a\udfffb", "n": 10**30})
    raw = codec.encode(free, message_type="agent.task.requested", version=1)
    assert b'"input":{"\\ud800":"a\\udfffb","n":1000000000000000000000000000000}' in raw
    assert codec.decode(raw).data.input == free["input"]
    cases: list[tuple[dict[str, object], str]] = [
        ({"agent_id": "\ud800"}, "/agent_id: expected a valid string"),
        ({"\udc00": 1}, 'got "\\udc00"'),
    ]
    for bad, line in cases:
        with pytest.raises(ContractViolation) as info:
            codec.encode(
                dict(task, **bad), message_type="agent.task.requested", version=1
            )
        text = str(info.value)
        text.encode()  # printable: the surrogates are escaped
        assert line in text


def test_an_errors_text_lists_at_most_100_violations(codec: Codec) -> None:
    task = json.loads(
        (ROOT / "tests/samples/agent/task_requested.v1/valid-minimal.json").read_text()
    )
    extra = {f"x{i:03}": i for i in range(250)}
    with pytest.raises(ContractViolation) as info:
        codec.encode(
            dict(task, **extra), message_type="agent.task.requested", version=1
        )
    assert len(info.value.violations) == 250  # all kept on the exception
    lines = str(info.value).splitlines()
    assert lines[0].endswith(": 250 violation(s)") and len(lines) == 102
    assert lines[1].startswith("  /x000: expected no such property")
    assert lines[-1] == "  ... and 150 more violation(s)"
