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
