"""Build-time tools of the compiler (not used while generating code)."""
