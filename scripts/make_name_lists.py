"""Regenerates app/first_names.txt, the personal-data guard's list of first names, from the
`names-dataset` package (PyPI, MIT licence; first names by country from a 2021 public leak of Facebook
profiles, counted, no profile kept). The package is not an app dependency: it installs 54 MB and takes 48 s and
2 GB of memory to load on the 2-core server, so the list is extracted once here and committed (about 290 KB,
read in a few milliseconds).

England's population by country of birth or heritage (Census 2021 country-of-birth and ethnic-group tables): the
most common names in the United Kingdom; more from the largest communities born abroad (India, Poland, Ireland,
Italy, Bangladesh, Nigeria, Germany, Portugal, Spain, South Africa, China); fewer from each other country that
many families in England come from. The package has no Pakistani, Somali, Romanian or Kenyan names: theirs mostly
appear in the others' lists (Arabic and South Asian names in the Gulf's and India's, Romanian in Italy's and
Spain's, East African in Nigeria's and South Africa's).

Profiles' names include ordinary words (Met, Staff, Happy, Court): a name is dropped if it is an English word in
lower case (Debian's wbritish word list), unless it is among the 200 most common first names of either sex in one of
the countries (Grace, Mark, Will, Blessing: the guard does not take the commonest words for a name on their own).

    apt-get install wbritish
    python -m venv /tmp/names && /tmp/names/bin/pip install names-dataset==3.3.1
    /tmp/names/bin/python scripts/make_name_lists.py
"""

import re
from importlib.metadata import version
from pathlib import Path

from names_dataset import NameDataset

ROOT = Path(__file__).resolve().parents[1]
UK = ("GB", 3000)  # (country, first names of each sex), the most common first
LARGEST = ["IN", "PL", "IE", "IT", "BD", "NG", "DE", "PT", "ES", "ZA", "CN"]
OTHERS = ["GH", "JM", "LT", "BG", "HU", "CZ", "RU", "HK", "EG", "SA", "AE", "IQ", "SY", "MA", "TR", "SG", "MY", "AF",
          "IR", "PH", "FR", "GR", "CY", "AL"]
# Words that people type in the name field of a profile but that are not names: titles, family words.
NOT_NAMES = {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Mum", "Mom", "Mam", "Dad", "Son", "Daughter", "Baby",
             "Nan", "Nana", "Papa", "Mama", "Uncle", "Aunt", "Auntie", "Bro", "Sis", "The", "And", "Of", "Md",
             "Mohd", "Engr", "Eng", "Prof", "Hajji", "Haji", "Sheikh", "Sk", "Km", "Bin", "Binti", "Bt", "Al",
             "El", "Van", "De", "Da", "Di", "Le", "La", "Mc", "St", "An", "Is", "It", "To", "On", "In", "At"}
WORDS = Path("/usr/share/dict/british-english")
KEEP_IF_COMMON = 200
WORD = re.compile(r"^[^\W\d_]{2,}(?:['’-][^\W\d_]+)*$")


def clean(names) -> set[str]:
    return {n for n in names if WORD.match(n) and n[0].isupper() and not n.isupper() and n not in NOT_NAMES}


def main() -> None:
    data = NameDataset()
    first, common = set(), set()
    for country, n in [UK, *[(c, 1500) for c in LARGEST], *[(c, 600) for c in OTHERS]]:
        for names in data.get_top_names(n=n, country_alpha2=country).get(country, {}).values():
            first |= clean(names)
            common |= set(names[:KEEP_IF_COMMON])
    english = {w for w in WORDS.read_text().split() if w.islower()}
    dropped = {n for n in first if n.lower() in english and n not in common}
    first -= dropped
    print(f"dropped {len(dropped)} English words, such as {sorted(dropped)[:20]}")
    (ROOT / "app/first_names.txt").write_text(
        f"# From names-dataset {version('names-dataset')} (PyPI, MIT licence) by scripts/make_name_lists.py; "
        "do not edit by hand, regenerate.\n" + "\n".join(sorted(first)) + "\n")
    print("app/first_names.txt", len(first))


if __name__ == "__main__":
    main()
