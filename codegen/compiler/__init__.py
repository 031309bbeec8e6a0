"""Schemas to IR: the compiler's front end and middle.

    load -> vocabulary -> resolve -> lower (+ unions, naming) -> ir.Program
                                  \\-> bundle, nodelimits (what runtime validators get)

``compile.compile_documents`` runs the stages for a folder; ``catalog`` checks the
catalogue against the contracts. Nothing here knows a target language.
"""
