"""Checks of config values with one-line errors.

Every check raises :class:`BadValueError` with one line that names the
owner (the class being configured), the field and the allowed values, e.g.
``AutoMixClassifier: `lam_margin` must be a number in [0, 0.5], got 0.7``.
Nothing is clamped or silently converted; booleans are refused where a
number is expected (``True`` is an ``int`` to Python, never to a config).

:class:`BadValueError` is both a ``ValueError`` and a ``TypeError`` (as
``io.UnsupportedOperation`` is both an ``OSError`` and a ``ValueError``):
a wrong type and a wrong value are the same mistake to the user, and
callers that caught either one before keep working.
"""
import math
import numbers
from typing import Any, Collection, NoReturn, Optional

__all__ = ['BadValueError', 'is_real', 'check_real', 'check_positive',
           'in_range', 'check_int', 'check_optional_int', 'check_bool',
           'check_choice']


class BadValueError(ValueError, TypeError):
    """A config value of the wrong type or outside its allowed values."""


def is_real(value: Any) -> bool:
    """A real number that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _fail(owner: Optional[str], name: str, allowed: str,
          value: Any) -> NoReturn:
    # without an owner, `name` is the full config path (mix_policy[0].prob)
    field = name if owner is None else f'{owner}: `{name}`'
    raise BadValueError(f'{field} must be {allowed}, got {value!r}')


def _interval(low: Optional[float], high: Optional[float], low_open: bool,
              high_open: bool) -> str:
    if low is None and high is None:
        return 'a number'
    if high is None:
        return f'a number {">" if low_open else ">="} {low:g}'
    if low is None:
        return f'a number {"<" if high_open else "<="} {high:g}'
    return (f'a number in {"(" if low_open else "["}{low:g}, {high:g}'
            f'{")" if high_open else "]"}')


def check_real(owner: Optional[str], name: str, value: Any,
               low: Optional[float] = None, high: Optional[float] = None,
               low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a float if it is a number within the bounds (closed
    unless ``low_open`` / ``high_open``; None means unbounded)."""
    ok = is_real(value) and not math.isnan(value) and (
        low is None or (value > low if low_open else value >= low)) and (
            high is None or (value < high if high_open else value <= high))
    if not ok:
        _fail(owner, name, _interval(low, high, low_open, high_open), value)
    return float(value)


def in_range(owner: Optional[str], name: str, value: Any, low: float,
             high: float) -> float:
    """``value`` as a float if it is a number in ``[low, high]``."""
    return check_real(owner, name, value, low, high)


def check_positive(name: str, value: Any, owner: str) -> float:
    """``value`` as a float if it is a finite number > 0 (the α of Beta
    distributions, temperatures, tolerances)."""
    if not (is_real(value) and value > 0 and math.isfinite(value)):
        _fail(owner, name, 'a positive finite number (> 0)', value)
    return float(value)


def check_int(owner: Optional[str], name: str, value: Any, low: int = 1,
              high: Optional[int] = None) -> int:
    """``value`` if it is an int in ``[low, high]`` (``high`` None:
    unbounded)."""
    if not (isinstance(value, numbers.Integral)
            and not isinstance(value, bool) and value >= low
            and (high is None or value <= high)):
        if high is not None:
            allowed = f'an int in {low}..{high}'
        elif low == 1:
            allowed = 'a positive int (>= 1)'
        else:
            allowed = f'an int >= {low}'
        _fail(owner, name, allowed, value)
    return value


def check_optional_int(owner: Optional[str], name: str,
                       value: Any) -> Optional[int]:
    """``value`` if it is None or an int >= 1 (an optional size such as a
    resolution)."""
    if value is not None and (isinstance(value, bool)
                              or not isinstance(value, numbers.Integral)
                              or value < 1):
        _fail(owner, name, 'None or an int >= 1', value)
    return value


def check_bool(owner: Optional[str], name: str, value: Any) -> bool:
    """``value`` if it is True or False (not 0 / 1 / a string)."""
    if not isinstance(value, bool):
        _fail(owner, name, 'True or False', value)
    return value


def check_choice(owner: Optional[str], name: str, value: Any,
                 choices: Collection) -> Any:
    """``value`` if it is one of ``choices``."""
    if value not in choices:
        _fail(owner, name, f'one of {tuple(choices)}', value)
    return value
