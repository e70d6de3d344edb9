"""Skills taxonomy: canonical skill names, their synonyms, and search keywords.

The data lives in ``skills.json`` next to this module (one skill per line, so reviews of
additions stay readable). Each skill has a canonical ``name``, a ``category``, lowercase
``aliases`` matched case-insensitively, and optional ``case_sensitive_aliases`` for names
that are ordinary words or single letters in lowercase ("Go", "R", "Excel").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from candidatex.core.lru import single_flight

SKILL_KEYWORD_PREFIX = "skill:"

# Emails and links mention words like "github" that are not evidence of a skill.
_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b[\w-]+\.(?:com|io|dev|org)/\S*")
_CLAUSE = re.compile(r"[^,;:.!?()\n]+")
_WORD = re.compile(r"[a-z]+")
VERB_OBJECT_GAP = 6
_TOKEN = re.compile(r"[a-z0-9]+(?:[.+#][a-z0-9+#]+)*[+#]*")

STOPWORDS = frozenset(
    ["a", "about", "above", "across", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "done", "down", "during", "each", "either", "etc", "every", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "least", "less", "let", "like", "many", "may", "me", "might", "more", "most", "much", "must", "my", "myself", "need", "needs", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "per", "please", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "us", "use", "used", "using", "very", "via", "was", "we", "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "e.g", "i.e", "able", "ability", "across", "along", "among", "including", "include", "includes", "strong", "good", "great", "excellent", "new", "work", "working", "role", "team", "teams", "candidate", "candidates", "job", "looking", "join", "year", "years", "experience", "experienced", "ideal", "plus", "bonus", "preferred", "required", "requirements", "responsibilities"]
)


@dataclass(frozen=True, slots=True)
class Skill:
    name: str
    category: str
    aliases: tuple[str, ...] = ()
    case_sensitive_aliases: tuple[str, ...] = ()

    @property
    def keyword(self) -> str:
        """The token stored in keyword arrays for this skill, whatever synonym the text used."""
        return SKILL_KEYWORD_PREFIX + self.name.lower()


@lru_cache(maxsize=4096)
def _base_letter(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0]


def fold_accents(text: str) -> str:
    """Accents dropped letter by letter ("clôture" -> "cloture", "administración" -> "administracion"), one
    character for one, so offsets into the original still hold: Spanish, French and German resumes are
    written with and without accents, and the aliases once for both."""
    return text if text.isascii() else "".join(_base_letter(ch) for ch in text)


def _lookup_key(term: str) -> str:
    return fold_accents(" ".join(term.lower().split()).strip(" ,;:()[]'\""))


def _compact_key(term: str) -> str:
    """Spelling-insensitive key, so "Vue JS", "vue-js" and "VueJS" meet; used for lookups only."""
    return re.sub(r"[\s.\-_]", "", fold_accents(term.lower()))


def _lower_same_length(text: str) -> str:
    """Lowercase, accent-folded text whose offsets still match the original (matching lowercase is ~3x faster
    than re.IGNORECASE); the rare characters that lowercase to two ("İ") are left as they are."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return fold_accents(lowered)


def _alias_pattern(alias: str) -> str:
    # A space in an alias also matches hyphens and line breaks: "machine-learning", "machine\nlearning".
    return r"[\s\-]+".join(re.escape(part) for part in alias.split())


class SkillTaxonomy:
    """Maps free text and user-entered skill names onto canonical skills."""

    def __init__(self, skills: Iterable[Skill], action_nouns: dict[str, list[str]] | None = None,
                 roles: dict[str, dict[str, list[str]]] | None = None) -> None:
        self.skills: tuple[Skill, ...] = tuple(skills)
        # profession -> the canonical skills its work shows (casefolded), and -> its neighbouring professions
        self._role_skills = {role: frozenset(n.casefold() for n in spec["skills"]) for role, spec in (roles or {}).items()}
        self._role_neighbours = {role: frozenset(spec.get("neighbours", ())) for role, spec in (roles or {}).items()}
        # "Pipeline Management" written verb first ("managed the pipeline"): verb stem -> [(object stem, skill)]
        self._verb_first: dict[str, list[tuple[str, Skill]]] = {}
        for skill in self.skills:
            words = skill.name.lower().split()
            if len(words) == 2 and words[0].isalpha() and words[1] in (action_nouns or {}):
                for verb in (action_nouns or {})[words[1]]:
                    self._verb_first.setdefault(verb, []).append((stem(words[0]), skill))
        self._by_key: dict[str, Skill] = {}
        self._by_compact_key: dict[str, Skill] = {}
        self._by_case_sensitive: dict[str, Skill] = {}
        for skill in self.skills:
            for term in (skill.name, *skill.aliases):
                self._by_key.setdefault(_lookup_key(term), skill)
                self._by_compact_key.setdefault(_compact_key(term), skill)
            for term in skill.case_sensitive_aliases:
                self._by_case_sensitive[term] = skill
        # A name that is also a case-sensitive alias ("Go", "Swift") is found in text only with its case.
        insensitive_terms = sorted(
            {
                _lookup_key(term)
                for skill in self.skills
                for term in (skill.name, *skill.aliases)
                if term not in skill.case_sensitive_aliases
            },
            key=len,
            reverse=True,
        )
        self._insensitive_re = re.compile(
            r"(?<![a-z0-9_])(?:" + "|".join(_alias_pattern(t) for t in insensitive_terms) + r")(?![a-z0-9_+#])"
        )
        sensitive_terms = sorted(self._by_case_sensitive, key=len, reverse=True)
        # Stricter borders: "R&D", "C-level", "Go-to-market" and "D.C." are not skills.
        self._sensitive_re = (
            re.compile(
                r"(?<![A-Za-z0-9_&.\-])(?:"
                + "|".join(re.escape(t) for t in sensitive_terms)
                + r")(?![A-Za-z0-9_+#&'\-])"
            )
            if sensitive_terms
            else None
        )

    @classmethod
    def from_json(cls, text: str) -> SkillTaxonomy:
        data = json.loads(text)
        return cls(
            (
                Skill(
                    name=item["name"],
                    category=item["category"],
                    aliases=tuple(item.get("aliases", ())),
                    case_sensitive_aliases=tuple(item.get("case_sensitive_aliases", ())),
                )
                for item in data["skills"]
            ),
            {noun: verbs for noun, verbs in data.get("action_nouns", {}).items() if not noun.startswith("_")},
            {role: spec for role, spec in data.get("roles", {}).items() if not role.startswith("_")},
        )

    def __len__(self) -> int:
        return len(self.skills)

    def lookup(self, term: str) -> Skill | None:
        key = _lookup_key(term)
        return (
            self._by_key.get(key)
            or self._by_case_sensitive.get(term.strip())
            or self._by_compact_key.get(_compact_key(key))
        )

    def normalize(self, term: str) -> str:
        """Canonical name of a known skill; unknown skills come back trimmed, so they still compare."""
        skill = self.lookup(term)
        return skill.name if skill else " ".join(term.split())

    def find_mentions(self, text: str) -> dict[str, list[str]]:
        """Canonical skill name -> the distinct spellings the text used, in order of appearance."""
        cleaned = _URL_OR_EMAIL.sub(" ", text)
        mentions: dict[str, list[str]] = {}
        found: list[tuple[int, Skill, str]] = []
        spans: list[tuple[int, int]] = []
        for match in self._insensitive_re.finditer(_lower_same_length(cleaned)):
            surface = cleaned[match.start() : match.end()]
            found.append((match.start(), self._match_to_skill(match.group()), surface))
            spans.append(match.span())
        if self._sensitive_re is not None:
            for match in self._sensitive_re.finditer(cleaned):
                found.append((match.start(), self._by_case_sensitive[match.group()], match.group()))
                spans.append(match.span())
        if self._verb_first:
            found.extend(self._verb_first_mentions(cleaned, spans))
        for _, skill, surface in sorted(found, key=lambda item: item[0]):
            spellings = mentions.setdefault(skill.name, [])
            if surface not in spellings:
                spellings.append(surface)
        return mentions

    def _verb_first_mentions(self, text: str, taken: list[tuple[int, int]]) -> list[tuple[int, Skill, str]]:
        """Skills written as a verb and its object within one clause ("read blueprints", "planned and taught
        algebra lessons"): the object at most VERB_OBJECT_GAP words after the verb, with no other skill named
        in between or from the object on ("managed accounts payable" is Accounts Payable, not Account
        Management)."""
        found = []
        lowered = _lower_same_length(text)
        for clause in _CLAUSE.finditer(lowered):
            words = [(m.start(), m.end(), stem(m.group())) for m in _WORD.finditer(clause.group())]
            for index, (start, _, word) in enumerate(words):
                for object_stem, skill in self._verb_first.get(word, ()):
                    after = words[index + 1 : index + 1 + VERB_OBJECT_GAP]
                    offset = clause.start()
                    end = next((e for s, e, w in after if w == object_stem), None)
                    # the verb's object is another skill ("managed Active Directory accounts") or is one
                    if end is not None and not any(offset + start < a < offset + end for a, _ in taken):
                        found.append((offset + start, skill, text[offset + start : offset + end]))
        return found

    def _match_to_skill(self, matched: str) -> Skill:
        key = _lookup_key(matched)
        skill = self._by_key.get(key) or self._by_key.get(_lookup_key(re.sub(r"[\s\-]+", " ", matched)))
        if skill is None:  # a hyphen matched where the alias had a space, e.g. "ci-cd"
            skill = self._by_compact_key[_compact_key(matched)]
        return skill

    def extract(self, text: str) -> list[str]:
        """Canonical names of the skills a text mentions, in order of first mention."""
        return list(self.find_mentions(text))

    def professions_of(self, skill_names: Iterable[str], least: int = 1) -> frozenset[str]:
        """The professions (``roles`` in skills.json) whose skills the names show most, at least ``least`` of
        them; several when they tie."""
        names = {n.casefold() for n in skill_names}
        counts = {role: len(names & skills) for role, skills in self._role_skills.items()}
        best = max(counts.values(), default=0)
        return frozenset(role for role, count in counts.items() if count == best) if best >= max(1, least) else frozenset()

    def role_skills(self, profession: str) -> frozenset[str]:
        return self._role_skills.get(profession, frozenset())

    def neighbouring(self, professions: Iterable[str]) -> frozenset[str]:
        """The professions and their neighbours: whose people do part of their work day to day."""
        chosen = set(professions)
        return frozenset(chosen.union(*(self._role_neighbours.get(p, frozenset()) for p in chosen)))

    def category(self, name: str) -> str | None:
        skill = self.lookup(name)
        return skill.category if skill else None


@single_flight(1)
def default_taxonomy() -> SkillTaxonomy:
    """The taxonomy shipped with the package (loaded once per process, even when the first interviews' plans ask
    for it from several worker threads at once: building it compiles every alias pattern, ~80 ms of CPU)."""
    text = resources.files(__package__).joinpath("skills.json").read_text(encoding="utf-8")
    return SkillTaxonomy.from_json(text)


def extract_skills(text: str, taxonomy: SkillTaxonomy | None = None) -> list[str]:
    return (taxonomy or default_taxonomy()).extract(text)


def normalize_skill(term: str, taxonomy: SkillTaxonomy | None = None) -> str:
    return (taxonomy or default_taxonomy()).normalize(term)


def stem(token: str) -> str:
    """A light suffix stripper: folds plurals and -ing/-ed so "managed", "manages", "managing" meet."""
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 4:
        token = token[:-3] + "y"
    elif token.endswith(("sses", "shes", "ches", "xes")):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    for suffix in ("ing", "ed"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            token = token[: -len(suffix)]
            # "running" -> "runn" -> "run"; "embedded" -> "embedd" -> "embed"
            if len(token) >= 4 and token[-1] == token[-2] and token[-1] not in "lsz":
                token = token[:-1]
            break
    if token.endswith("e") and len(token) > 4:
        token = token[:-1]
    return token


def _plain_tokens(text: str) -> list[str]:
    tokens = []
    for raw in _TOKEN.findall(text.lower()):
        if raw.isdigit() or raw in STOPWORDS or len(raw) < 2:
            continue
        tokens.append(stem(raw))
    return tokens


def document_terms(text: str, taxonomy: SkillTaxonomy | None = None) -> list[str]:
    """Stemmed words with repetition, plus one ``skill:<name>`` per mentioned skill (for TF-IDF)."""
    return analyse_text(text, taxonomy)[0]


def analyse_text(text: str, taxonomy: SkillTaxonomy | None = None) -> tuple[list[str], list[str]]:
    """``(document_terms(text), taxonomy.extract(text))`` with one pass of the skill patterns."""
    taxonomy = taxonomy or default_taxonomy()
    skills = taxonomy.extract(text)
    terms = _plain_tokens(_URL_OR_EMAIL.sub(" ", text))
    terms.extend(SKILL_KEYWORD_PREFIX + name.lower() for name in skills)
    return terms, skills


def keywords(text: str, taxonomy: SkillTaxonomy | None = None) -> list[str]:
    """Normalised keywords of a document, for a multikey-indexed array (servers without text indexes).

    Holds the stemmed words (stopwords dropped) and one ``skill:<name>`` entry per mentioned skill,
    so a search for "Kubernetes" finds a resume that only says "k8s". Sorted and de-duplicated.
    """
    return sorted(set(document_terms(text, taxonomy)))


def search_keywords(query: str, taxonomy: SkillTaxonomy | None = None) -> list[str]:
    """Keywords a document must all carry to match ``query`` (use with ``$all`` on the keyword array).

    Words that name a skill become the skill's entry instead of plain words, so "machine learning"
    matches a resume that wrote "ML".
    """
    taxonomy = taxonomy or default_taxonomy()
    mentions = taxonomy.find_mentions(query)
    remainder = query
    for spellings in mentions.values():
        for spelling in spellings:
            remainder = re.sub(re.escape(spelling), " ", remainder)
    terms = set(_plain_tokens(remainder))
    terms.update(SKILL_KEYWORD_PREFIX + name.lower() for name in mentions)
    return sorted(terms)
