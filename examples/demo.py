"""The main job, shown: generated Pydantic models at work on real messages.

Run by ``make demo`` after ``contracts generate``. It builds a typed message in
Python, dumps it as the wire JSON, reads it back through the runtime's validator,
and shows what happens to a message that breaks the contract.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

from platform_contracts import CONTRACTS, FINGERPRINT
from platform_contracts.agent.task_accepted_v1 import AgentTaskAccepted
from platform_contracts.common.money import Money
from platform_contracts.order.order_created_v1 import (
    OrderCreated,
    OrderLine,
    ShippingAddress,
)

from runtime import Codec, Contracts, ContractViolation


def main() -> None:
    contracts = Contracts("platform_contracts")
    print(f"contracts package: {len(CONTRACTS)} contracts, fingerprint {FINGERPRINT}")

    order = OrderCreated(
        order_id=str(uuid.uuid4()),
        customer_id=str(uuid.uuid4()),
        lines=[
            OrderLine(
                sku="MUG-01",
                quantity=2,
                unit_price=Money(amount="12.50", currency="EUR"),
            )
        ],
        total=Money(amount="25.00", currency="EUR"),
        status="paid",
        placed_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        notes=None,
        shipping_address=ShippingAddress(
            recipient="Ada Lovelace",
            line1="1 Harbour Street",
            city="Hamburg",
            postal_code="20457",
            country_code="DE",
        ),
    )
    wire = order.to_json()
    print(f"\nPython builds order.created v1 and sends:\n  {wire}")

    validator = contracts.for_message("order.created", 1)
    received = validator.validate_json(wire)
    print(
        f"\nthe receiver gets a typed {type(received).__name__}:"
        f" {received.lines[0].quantity} x {received.lines[0].sku},"
        f" status {received.status}"
    )

    broken = json.loads(wire)
    broken["lines"][0]["quantity"] = "2"  # a string where the contract says integer
    broken["status"] = "refunded"  # not one of the enum values
    del broken["total"]
    try:
        validator.validate_json(json.dumps(broken))
    except ContractViolation as exc:
        print(
            f"\na message breaking the contract is refused, with every reason:\n{exc}"
        )


NODE_SERVICE = Path(__file__).parent / "node" / "node_service.mjs"


def across_runtimes() -> None:
    """A Node module asks a Python agent for work; the agent's typed reply goes back."""
    node = shutil.which("node")
    if node is None:
        print("\n(node is not installed: skipping the cross-runtime part)")
        return
    codec = Codec(Contracts("platform_contracts"), source="python:invoice-agent")
    request = subprocess.run(
        [node, str(NODE_SERVICE), "request"], capture_output=True, check=True
    ).stdout
    print(f"\nnode publishes agent.task.requested v1:\n  {request.decode()[:160]}...")
    message = codec.decode(request)
    task = message.data
    print(
        f"python reads a typed {type(task).__name__}: agent {task.agent_id},"
        f" fingerprint {'matches' if message.fingerprint_matches else 'DIFFERS'}"
    )
    reply = AgentTaskAccepted(
        task_id=task.task_id,
        agent_id=task.agent_id,
        worker_id="agent-runner-7f9c:1234",
        attempt=1,
        accepted_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    )
    raw = codec.encode(reply, correlation_id=message.envelope.id)
    answer = subprocess.run(
        [node, str(NODE_SERVICE), "read-reply"], input=raw, capture_output=True
    )
    print(answer.stdout.decode().rstrip())
    forged = json.loads(raw)
    forged["data"]["attempt"] = "1"
    answer = subprocess.run(
        [node, str(NODE_SERVICE), "read-reply"],
        input=json.dumps(forged).encode(),
        capture_output=True,
    )
    print("a reply with a string attempt reaches node:")
    print(answer.stdout.decode().rstrip())


if __name__ == "__main__":
    main()
    across_runtimes()
