"""Fake values for the DSPM benchmark corpus: names, streets, numbers with valid check digits
(Luhn, mod-97), vendor-shaped secrets with random bodies, all from one seeded generator."""

from __future__ import annotations

import base64
import ipaddress
import json
import random
import string
import zlib


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split(" "))


FIRST = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony "
    "Betty Mark Sandra Steven Ashley Andrew Kimberly Joshua Emily Kevin Donna Brian Michelle "
    "Priya Arjun Mei Wei Hiroshi Yuki Fatima Omar Lucia Mateo Ingrid Lars Chiara Luca Amara Kofi"
)
LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Patel Sharma Chen Wang Tanaka Sato Haddad Rossi Bianchi Larsen Okafor Mensah Novak Kowalski"
)
STREETS = _words(
    "Maple Oak Pine Cedar Elm Washington Lake Hill Park Sunset Highland Willow Meadow Church "
    "Ridge River Spring Forest Valley Lincoln Jefferson Madison Franklin Walnut Chestnut"
)
SUFFIXES = ("St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Way", "Street", "Avenue")
CITIES = (
    ("Springfield", "IL"),
    ("Riverside", "CA"),
    ("Franklin", "TN"),
    ("Greenville", "SC"),
    ("Fairview", "OR"),
    ("Madison", "WI"),
    ("Georgetown", "TX"),
    ("Salem", "MA"),
    ("Arlington", "VA"),
    ("Columbus", "OH"),
)
MAIL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "proton.me",
    "fastmail.com",
    "acme-corp.com",
)
AREA_CODES = (201, 212, 213, 305, 312, 404, 415, 503, 512, 617, 646, 702, 713, 818, 917, 971)
ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
IBAN_LAYOUT = {"DE": 18, "GB": 18, "FR": 23, "NL": 14, "ES": 20}
"""Country -> length of the BBAN (all digits here, except the GB/NL bank codes)."""

AWS_EXAMPLE_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # noqa: S105 - AWS docs example


# --- values -------------------------------------------------------------------------------


class Values:
    """Seeded generators of fake values; one instance per corpus."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def email(self, name: str | None = None) -> str:
        first, _, last = (name or self.name()).lower().partition(" ")
        sep = self.rng.choice((".", "_", ""))
        return f"{first}{sep}{last}{self.rng.randint(1, 999)}@{self.rng.choice(MAIL_DOMAINS)}"

    def phone(self) -> str:
        area, exch, line = self.rng.choice(AREA_CODES), self.rng.randint(201, 989), 0
        if exch in (555, 311, 411, 611, 911):
            exch += 1
        line = self.rng.randint(1000, 9999)
        return self.rng.choice(
            (
                f"({area}) {exch}-{line}",
                f"+1 {area}-{exch}-{line}",
                f"{area}.{exch}.{line}",
                f"+1 ({area}) {exch} {line}",
            )
        )

    def ssn(self) -> str:
        area = self.rng.randint(1, 899)
        area = 667 if area == 666 else area
        return f"{area:03d}-{self.rng.randint(1, 99):02d}-{self.rng.randint(1, 9999):04d}"

    def decoy_ssn(self) -> str:
        """9xx area numbers are never issued."""
        return f"9{self.rng.randint(0, 99):02d}-{self.rng.randint(1, 99):02d}-{self.rng.randint(1, 9999):04d}"

    def card(self) -> str:
        prefix, length = self.rng.choice(
            (("4", 16), ("51", 16), ("55", 16), ("6011", 16), ("37", 15))
        )
        body = prefix + self.chars(string.digits, length - len(prefix) - 1)
        digits = body + str(luhn_check_digit(body))
        style = self.rng.random()
        if style < 0.3 and length == 16:
            return " ".join(digits[i : i + 4] for i in range(0, 16, 4))
        if style < 0.45 and length == 16:
            return "-".join(digits[i : i + 4] for i in range(0, 16, 4))
        return digits

    def decoy_card(self) -> str:
        """A 16-digit id that fails the Luhn check."""
        body = "4" + self.chars(string.digits, 14)
        return body + str((luhn_check_digit(body) + self.rng.randint(1, 9)) % 10)

    def iban(self) -> str:
        country = self.rng.choice(tuple(IBAN_LAYOUT))
        bban = self._bban(country)
        return country + f"{iban_check_digits(country, bban):02d}" + bban

    def decoy_iban(self) -> str:
        country = self.rng.choice(tuple(IBAN_LAYOUT))
        bban = self._bban(country)
        good = iban_check_digits(country, bban)
        return country + f"{(good + self.rng.randint(1, 96) - 2) % 97 + 2:02d}" + bban

    def _bban(self, country: str) -> str:
        n = IBAN_LAYOUT[country]
        if country in ("GB", "NL"):
            return self.chars(string.ascii_uppercase, 4) + self.chars(string.digits, n - 4)
        return self.chars(string.digits, n)

    def address(self) -> str:
        city, state = self.rng.choice(CITIES)
        street = (
            f"{self.rng.randint(1, 9899)} {self.rng.choice(STREETS)} {self.rng.choice(SUFFIXES)}"
        )
        return f"{street}, {city}, {state} {self.rng.randint(10000, 99899):05d}"

    def dob(self) -> str:
        return f"{self.rng.randint(1940, 2005)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def public_ip(self) -> str:
        for _ in range(100):
            ip = ipaddress.IPv4Address(self.rng.getrandbits(32))
            if ip.is_global and not ip.is_multicast and 1 <= int(str(ip).split(".")[0]) <= 223:
                return str(ip)
        return "81.2.69.160"

    def private_ip(self) -> str:
        return self.rng.choice(
            (
                f"10.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                f"192.168.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                f"172.{self.rng.randint(16, 31)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
            )
        )

    def uuid(self) -> str:
        h = self.chars("0123456789abcdef", 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def sha256(self) -> str:
        return self.chars("0123456789abcdef", 64)

    def timestamp(self) -> str:
        return (
            f"2024-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}T"
            f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:{self.rng.randint(0, 59):02d}Z"
        )

    def order_no(self) -> str:
        return f"ORD-{self.rng.randint(2019, 2025)}-{self.rng.randint(0, 999999):06d}"

    def sku(self) -> str:
        return f"SKU-{self.chars(string.ascii_uppercase, 3)}-{self.rng.randint(1000, 99999)}"

    def price(self) -> str:
        return f"{self.rng.randint(1, 2999)}.{self.rng.randint(0, 99):02d}"

    def version(self) -> str:
        return f"{self.rng.randint(0, 12)}.{self.rng.randint(0, 40)}.{self.rng.randint(0, 200)}"

    # secrets ------------------------------------------------------------------------------

    def aws_key_id(self) -> str:
        return "AKIA" + self.chars(string.ascii_uppercase + "234567", 16)

    def aws_secret(self) -> str:
        return self.chars(B64, 40)

    def github_token(self) -> str:
        return checksummed_token(self.rng.choice(("ghp", "gho", "ghs")), self.chars(ALNUM, 30))

    def gitlab_token(self) -> str:
        return "glpat-" + self.chars(URLSAFE, 20)

    def slack_token(self) -> str:
        n = self.rng.randint
        return f"xoxb-{n(10**10, 10**11)}-{n(10**11, 10**12)}-{self.chars(ALNUM, 24)}"

    def stripe_key(self) -> str:
        return self.rng.choice(("sk_live_", "rk_live_")) + self.chars(
            ALNUM, self.rng.choice((24, 99))
        )

    def openai_key(self) -> str:
        if self.rng.random() < 0.5:
            return "sk-" + self.chars(ALNUM, 20) + "T3BlbkFJ" + self.chars(ALNUM, 20)
        return "sk-proj-" + self.chars(URLSAFE, 74) + "T3BlbkFJ" + self.chars(URLSAFE, 74)

    def anthropic_key(self) -> str:
        return "sk-ant-api03-" + self.chars(URLSAFE, 93) + "AA"

    def hf_token(self) -> str:
        return "hf_" + self.chars(string.ascii_letters, 34)

    def sendgrid_key(self) -> str:
        return "SG." + self.chars(URLSAFE, 22) + "." + self.chars(URLSAFE, 43)

    def twilio_key(self) -> str:
        return "SK" + self.chars("0123456789abcdef", 32)

    def google_key(self) -> str:
        return "AIza" + self.chars(URLSAFE, 35)

    def npm_token(self) -> str:
        return checksummed_token("npm", self.chars(ALNUM, 30))

    def jwt(self) -> str:
        header = {"alg": "HS256", "typ": "JWT"}
        payload = {
            "sub": str(self.rng.randint(1, 10**6)),
            "iat": 1_700_000_000 + self.rng.randint(0, 10**7),
        }
        sig = bytes(self.rng.getrandbits(8) for _ in range(32))
        return ".".join(_b64url(p) for p in (_json_bytes(header), _json_bytes(payload), sig))

    def pem_lines(self) -> list[str]:
        kind = self.rng.choice(
            ("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY")
        )
        body = base64.b64encode(bytes(self.rng.getrandbits(8) for _ in range(48 * 12))).decode()
        return [
            f"-----BEGIN {kind}-----",
            *(body[i : i + 64] for i in range(0, len(body), 64)),
            f"-----END {kind}-----",
        ]

    def password(self) -> str:
        return self.chars(ALNUM, 6) + self.rng.choice("!#%^*") + self.chars(ALNUM, 9)


def _json_bytes(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def luhn_check_digit(body: str) -> int:
    """The digit that makes ``body + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def luhn_valid(number: str) -> bool:
    digits = [c for c in number if c.isdigit()]
    return len(digits) > 1 and luhn_check_digit("".join(digits[:-1])) == int(digits[-1])


def iban_check_digits(country: str, bban: str) -> int:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return 98 - int(numeric) % 97


def iban_valid(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def checksummed_token(prefix: str, body: str) -> str:
    """GitHub/npm shape: 30 random base62 characters and a base62 CRC32 of them (6 chars)."""
    crc = zlib.crc32(body.encode())
    digits = ""
    while crc:
        crc, rem = divmod(crc, 62)
        digits = BASE62[rem] + digits
    return f"{prefix}_{body}{digits.rjust(6, '0')}"
