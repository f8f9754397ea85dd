"""kleinkasso: collection of very small overdue claims.

The package is layered: ``law`` is pure computation, ``intake``,
``payments.bankfiles`` and ``comms`` turn files into records and records
into documents, and ``store``, ``cases``, ``settlement`` and ``cli`` carry
out the main job against the database.
"""

__version__ = "0.1.0"
