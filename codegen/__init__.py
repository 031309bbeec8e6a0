"""The contract compiler: JSON Schema -> one typed IR -> Pydantic v2 and TypeScript.

Stages, one module each, data flowing one way:

    load -> resolve -> lower (IR) -> render_python -> emit

``codegen.api`` is the library entry point; ``codegen.cli`` a thin typer layer on it.
"""

from codegen.api import GenerateResult, generate
from codegen.errors import CompileError, ContractError

__all__ = ["CompileError", "ContractError", "GenerateResult", "generate"]
