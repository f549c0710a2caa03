"""A small tie-breaker table of very common given names.

Unvocalised Arabic script hides short vowels, so محمد and محمود differ only by one letter and
محمد against "Mahmoud" would look like a match. For the handful of names where this matters
most, the usual vocalisation is known; every other name goes through the rules alone.
Keys are the consonant-faithful transliterations produced by arabic.py.
"""

from __future__ import annotations

VOCALISED: dict[str, str] = {
    "mhmd": "muhammad", "mhmud": "mahmud", "ahmd": "ahmad", "hmd": "hamad", "hamd": "hamid",
    "hmdi": "hamdi", "hsn": "hasan", "hsin": "husayn", "hsam": "hussam", "amr": "umar",
    "amru": "amr", "athman": "uthman", "ali": "ali", "ala": "ala", "khald": "khalid",
    "khlil": "khalil", "salm": "salim", "slman": "salman", "sliman": "sulayman",
    "mstfa": "mustafa", "mnsur": "mansur", "mnir": "munir", "nasr": "nasir", "nsr": "nasr",
    "jmal": "jamal", "jmil": "jamil", "jmila": "jamila", "krim": "karim", "kmal": "kamal",
    "smir": "samir", "smira": "samira", "sid": "said", "sd": "saad", "fatma": "fatima",
    "zinb": "zaynab", "mrim": "maryam", "khdija": "khadija", "abas": "abbas", "qasm": "qasim",
    "mhdi": "mahdi", "rmdan": "ramadan", "aymn": "ayman", "mamun": "mamun", "mrwan": "marwan",
}

# The most frequent given names: a match on one of them says less about identity.
COMMON_NAMES: tuple[str, ...] = (
    "muhammad", "ahmad", "ali", "hasan", "husayn", "abdallah", "ibrahim", "umar", "khalid",
    "yusuf", "abdrahman", "mustafa", "mahmud", "saad", "qasim", "fatima", "musa", "isa",
    "abubakr", "salih", "karim", "said", "jasim",
)

# Common names that share a key with another common name; a rendering close to one of them is
# not the other (Mohamed is not Mahmoud, Hassan is not Hussein, Said is not Saad).
CONFUSABLE_NAMES: tuple[str, ...] = (
    "muhammad", "mahmud", "hamid", "hamad", "hasan", "husayn", "said", "saad", "amin", "ayman",
    "samir", "samar", "jamil", "jamal",
)
