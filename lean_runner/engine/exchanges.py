"""US equity exchanges: LEAN's ``Exchange`` values and the one-letter SIP codes tick files carry
(``P`` is ARCA, ``N`` NYSE, ``Q`` NASDAQ...). ``str(Exchange.ARCA)`` is ``"ARCA"``, as LEAN prints it."""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["Exchange", "exchange_name"]

# (LEAN's name, the SIP code); the code maps back to the name.
_EXCHANGES = (("NASDAQ", "Q"), ("NASDAQ_SC", "S"), ("BATS", "Z"), ("ARCA", "P"), ("NYSE", "N"), ("NSX", "C"),
              ("FINRA", "D"), ("ISE", "I"), ("CSE", "M"), ("CBOE", "W"), ("AMEX", "A"), ("EDGA", "J"),
              ("EDGX", "K"), ("NASDAQ_BX", "B"), ("NASDAQ_PSX", "X"), ("BATS_Y", "Y"), ("IEX", "V"))
_NAME_BY_CODE = MappingProxyType({code: name for name, code in _EXCHANGES} | {"T": "NASDAQ"})


class PrimaryExchange(str):
    """An exchange: compares and prints as its name; ``code`` is its SIP letter."""

    code: str

    def __new__(cls, name: str, code: str) -> PrimaryExchange:
        value = super().__new__(cls, name)
        value.code = code
        return value

    @property
    def name(self) -> str:
        return str.__str__(self)


class Exchange:
    """LEAN's ``Exchange`` values for US equities (``Exchange.ARCA``...), plus ``UNKNOWN``."""

    UNKNOWN = PrimaryExchange("", "")


for _name, _code in _EXCHANGES:
    setattr(Exchange, _name, PrimaryExchange(_name, _code))


def exchange_name(code: str) -> str:
    """The exchange name of a tick's SIP code (LEAN's ``GetPrimaryExchange``); the code itself if unknown."""
    return _NAME_BY_CODE.get(code, code)
