"""Helpers that several apps share and none owns: the database throttle
(`house.throttle`, its `Throttle` model) and the spa's identity (`house.identity`).

A Django app only because the throttle keeps a table. It imports none of the
project's apps nor the project package `spa/` (tests/test_import_rules.py).
"""
