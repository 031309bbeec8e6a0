"""The contract compiler: JSON Schema -> one typed IR -> Pydantic v2 and TypeScript.

One folder per concern, data flowing one way:

    compiler/   schemas -> ir.Program (load, vocabulary, resolve, lower, naming, ...)
    python/     ir -> the Pydantic v2 package
    typescript/ ir -> the npm package
    emit        both packages' files -> disk (write) or a diff (check)
    checks/     breaking changes, drift, documents validated through the packages
    docs        OpenAPI and AsyncAPI documents from the catalogue
    cli/        ``contracts``: one small module per command over one output layer

``codegen.api`` is the library entry point; the CLI is a thin typer layer on it.
"""

from codegen.api import GenerateResult, generate
from codegen.errors import CompileError, ContractError

__all__ = ["CompileError", "ContractError", "GenerateResult", "generate"]
