"""``contracts breaking``: both sides read (``gitsource`` for a git revision),
normalised (``normalize``), compared (``compare`` with ``shapes`` and
``combinators``) into findings by the rule table (``rules``), judged and printed
(``report``)."""
