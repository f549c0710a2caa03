"""The frame of an alert email in the languages Tocsin speaks: the alert's own text stays in
the language it was written in; the words around it follow the subscriber where we can."""

from __future__ import annotations

LANGUAGES = ("en", "fr", "ar")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "Alert": "Alert", "Update": "Update", "Cancel": "Cancelled",
        "severity": "Severity", "urgency": "Urgency", "certainty": "Certainty",
        "category": "Category", "area": "Area", "instruction": "What to do",
        "tlp": "Sharing level", "link": "Open in Tocsin", "version": "Version",
        "cancelled": "This alert has been withdrawn; disregard the earlier message.",
        "why": "You receive this because of your alert subscription “{name}”.",
        "handling": "Share only as its sharing level allows.",
    },
    "fr": {
        "Alert": "Alerte", "Update": "Mise à jour", "Cancel": "Annulation",
        "severity": "Gravité", "urgency": "Urgence", "certainty": "Certitude",
        "category": "Catégorie", "area": "Zone", "instruction": "Que faire",
        "tlp": "Niveau de partage", "link": "Ouvrir dans Tocsin", "version": "Version",
        "cancelled": "Cette alerte est retirée\u00a0: ne tenez plus compte du message "
                     "précédent.",
        "why": "Vous recevez ce message au titre de votre abonnement «\u00a0{name}\u00a0».",
        "handling": "À ne partager que dans les limites de son niveau de partage.",
    },
    "ar": {
        "Alert": "تنبيه", "Update": "تحديث", "Cancel": "إلغاء",
        "severity": "الخطورة", "urgency": "الاستعجال", "certainty": "درجة اليقين",
        "category": "الفئة", "area": "المنطقة", "instruction": "ما يجب فعله",
        "tlp": "مستوى المشاركة", "link": "افتح في Tocsin", "version": "الإصدار",
        "cancelled": "سُحب هذا التنبيه؛ لا تعتد على الرسالة السابقة.",
        "why": "تصلك هذه الرسالة بموجب اشتراكك «{name}».",
        "handling": "لا تُشارك إلا في حدود مستوى مشاركتها.",
    },
}  # fmt: skip

# CAP's scale words, as a reader of each language would expect them.
VALUES: dict[str, dict[str, str]] = {
    "fr": {
        "extreme": "extrême", "severe": "grave", "moderate": "modérée",
        "minor": "mineure", "unknown": "inconnue", "immediate": "immédiate",
        "expected": "attendue", "future": "future", "past": "passée",
        "observed": "observé", "likely": "probable", "possible": "possible",
        "unlikely": "peu probable",
    },
    "ar": {
        "extreme": "قصوى", "severe": "شديدة",
        "moderate": "متوسطة", "minor": "طفيفة",
        "unknown": "غير معروفة",
        "immediate": "فوري", "expected": "متوقع",
        "future": "مستقبلي", "past": "ماضٍ",
        "observed": "مُشاهَد", "likely": "مرجّح",
        "possible": "ممكن", "unlikely": "غير مرجّح",
    },
}  # fmt: skip


def primary(language: str) -> str:
    """``fr-CA`` -> ``fr``: subscriptions and alerts match on the language, not the region."""
    return language.split("-", 1)[0].strip().lower()


def pick_language(wanted: list[str], alert_language: str) -> str:
    """The subscriber's first language we have words for, else the alert's, else English."""
    for language in [*wanted, alert_language]:
        if primary(language) in LANGUAGES:
            return primary(language)
    return "en"


def label(language: str, key: str) -> str:
    return LABELS.get(language, LABELS["en"]).get(key, LABELS["en"][key])


def value(language: str, word: str) -> str:
    return VALUES.get(language, {}).get(word, word)
