"""IR to the npm package: TypeScript declarations and validators (``render``).
Templates and the Node runtime files the package ships are in
``codegen/templates/ts/`` until the runtime moves to ``runtime/node/``."""
