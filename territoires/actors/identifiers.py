"""SIREN and SIRET numbers (the French business register), checked without Django.

A SIREN has 9 digits, a SIRET 14 (the SIREN and a 5-digit establishment number); both end
with a Luhn check digit. One exception: La Poste's establishments (SIREN 356000000) have
too many SIRET numbers for the Luhn key, and INSEE numbers them so that the sum of their
14 digits is a multiple of 5.
"""

LA_POSTE_SIREN = "356000000"


def compact(value: str) -> str:
    """The number without the spaces, dots or dashes people type in it."""
    return "".join(char for char in value if char not in " .-\u00a0\u202f")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siren_problem(value: str) -> str | None:
    """Why `value` is not a SIREN (in English, for the caller to word), or None."""
    number = compact(value)
    if not (number.isascii() and number.isdigit()) or len(number) != 9:
        return "length"
    if not luhn_valid(number):
        return "checksum"
    return None


def siret_problem(value: str) -> str | None:
    """Why `value` is not a SIRET, or None."""
    number = compact(value)
    if not (number.isascii() and number.isdigit()) or len(number) != 14:
        return "length"
    if number.startswith(LA_POSTE_SIREN):
        return None if sum(int(char) for char in number) % 5 == 0 else "checksum"
    if siren_problem(number[:9]):
        return "siren"
    if not luhn_valid(number):
        return "checksum"
    return None
