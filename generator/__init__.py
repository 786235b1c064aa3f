"""xxgk: publish government information-disclosure annual reports as one static portal."""

__version__ = "0.1.0"
