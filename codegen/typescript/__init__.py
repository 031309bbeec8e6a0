"""IR to the npm package: TypeScript declarations and validators (``render``, with
its templates in ``templates/``) and the compiled Node runtime the package ships
(``runtime``: ``runtime/node/compiled/``, built from ``runtime/node/src/``)."""
