"""The grammar of an SMS reply to a rating invitation (短信评价), parsed without the database.

    reply   := [code sep] level [sep comment]
    code    := the 6-digit reply code of the invitation
    level   := 1 | 2 | 3 | 4 | 5   (5 best; "5分" or "5星" read as 5)
             | 非常满意 | 满意 | 基本满意 | 不满意 | 非常不满意
    sep     := nothing, or any run of spaces and the marks , ， 、 : ： ; ； # . 。 ! ? -

Full-width digits, letters, spaces and punctuation count as their half-width forms (the text is
NFKC-normalized first), and spaces around the parts do not matter. Examples:
"482913 5", "４８２９１３　４", "482913非常满意", "482913,2,排队太久", and "满意" alone.
The code may be left out when the sender's number has exactly one open invitation; anything
after the level is kept as the rating's comment.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jingchu.reviews.choices import Level

CODE_LENGTH = 6
WORDS = {
    "非常满意": Level.VERY_SATISFIED,
    "满意": Level.SATISFIED,
    "基本满意": Level.BASICALLY_SATISFIED,
    "不满意": Level.DISSATISFIED,
    "非常不满意": Level.VERY_DISSATISFIED,
}
_SEP = r"[\s,，、:：;；#.。!?\-]*"
# Longest words first, so 非常不满意 is not read as 非常 + 不满意, nor 不满意 as 满意.
_WORDS = "|".join(sorted(WORDS, key=len, reverse=True))
_REPLY = re.compile(
    rf"^{_SEP}(?:(?P<code>\d{{{CODE_LENGTH}}}){_SEP})?"
    rf"(?P<level>[1-5](?!\d)(?:分|星)?|{_WORDS})(?P<rest>.*)$",
    re.DOTALL,
)
_LEADING_SEP = re.compile(rf"^{_SEP}")
COMMENT_MAX = 1000


@dataclass(frozen=True)
class Reply:
    code: str | None
    level: int
    comment: str


def normalize(text: str) -> str:
    """Full-width forms to half-width, runs of white space to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def parse(text: str) -> Reply | None:
    """The reply's code (None when left out), level and comment; None when it is unreadable."""
    match = _REPLY.match(normalize(text))
    if match is None:
        return None
    raw = match.group("level")
    level = int(raw[0]) if raw[0].isdigit() else int(WORDS[raw])
    comment = _LEADING_SEP.sub("", match.group("rest")).strip()[:COMMENT_MAX]
    return Reply(code=match.group("code"), level=level, comment=comment)


def normalize_phone(raw: str) -> str:
    """A mainland mobile number as its 11 digits ('+86 139-0715-1234' → '13907151234'), or ''."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw or ""))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    return digits if re.fullmatch(r"1\d{10}", digits) else ""
