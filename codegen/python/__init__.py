"""IR to the Python package: Pydantic v2 models (``render``), laid out as ``ruff
format`` would (``layout``), assembled with the registry and support code
(``package``). Templates are in ``templates/``."""
