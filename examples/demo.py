"""The main job, shown: generated Pydantic models at work on real messages.

Run by ``make demo`` after ``contracts generate``. It builds a typed message in
Python, dumps it as the wire JSON, reads it back through the runtime's validator,
and shows what happens to a message that breaks the contract.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from platform_contracts import CONTRACTS, FINGERPRINT
from platform_contracts.common.money import Money
from platform_contracts.order.order_created_v1 import (
    OrderCreated,
    OrderLine,
    ShippingAddress,
)

from runtime import Contracts, ContractViolation


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


if __name__ == "__main__":
    main()
