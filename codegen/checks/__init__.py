"""What runs against schemas and packages after generation: breaking changes
(``breaking/``), drift between schemas and packages (``drift``) or live services
(``livedrift``), and documents validated through the generated code (``validate``)."""
