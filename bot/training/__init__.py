"""Training-data tooling: load Rasa NLU data (:mod:`.nlu_data`) and check it (:mod:`.check`)."""

from bot.training.nlu_data import (
    EntitySpan,
    Example,
    NluDataError,
    load_examples,
    load_synonyms,
)

__all__ = ["EntitySpan", "Example", "NluDataError", "load_examples", "load_synonyms"]
