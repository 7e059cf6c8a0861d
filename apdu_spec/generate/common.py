"""What every renderer shares."""

HEADER = "generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit"
