"""The dependency-free core of sscard: codecs and crypto primitives that every other part uses.

- :mod:`sscard_core.layout`: what a record layout is (items, records), the types the spec's loader and
  the host's generated tables both build;
- :mod:`sscard_core.codec`: the one record codec (SIMPLE-TLV and template records, cn/an/b values),
  BER-TLV parsing and dates;
- :mod:`sscard_core.apdu`: command/response APDUs, the one command builder and the one MAC'd-command
  builder;
- :mod:`sscard_core.crypto`: the card's symmetric cryptography (3DES, SM4, MACs, PIN blocks, key
  diversification).

This package imports nothing else of the project (``apdu_spec``, ``sscard``, ``jcardsim_bridge``): the spec
package and the host library both stand on it, and a test (``tests/test_architecture.py``) keeps it so.
"""
