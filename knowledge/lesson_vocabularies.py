"""The vocabularies lessons learned are described by, beside the shared ones
(``knowledge.vocabularies``): coordinators edit them as snippets, a migration seeds them, and
their slugs make the addresses of the lessons' facets."""

from django.utils.translation import gettext_lazy as _

from knowledge.vocabularies import Term


class LessonKind(Term):
    """What a lesson is: an obstacle, a lever, a good practice, a point to watch."""

    class Meta(Term.Meta):
        verbose_name = _("kind of lesson")
        verbose_name_plural = _("kinds of lesson")


class SustainabilityDimension(Term):
    """The dimension of sustainable development a lesson serves: environmental, social..."""

    class Meta(Term.Meta):
        verbose_name = _("sustainability dimension")
        verbose_name_plural = _("sustainability dimensions")


class LegalLever(Term):
    """Where in public procurement law the lesson acts: technical specification, award
    criterion, performance condition, reserved contract..."""

    class Meta(Term.Meta):
        verbose_name = _("legal lever")
        verbose_name_plural = _("legal levers")


class BuyingStep(Term):
    """The step of the buying process the lesson applies to, from the needs to the contract's
    follow-up."""

    class Meta(Term.Meta):
        verbose_name = _("step of the buying process")
        verbose_name_plural = _("steps of the buying process")


LESSON_VOCABULARIES = [LessonKind, SustainabilityDimension, LegalLever, BuyingStep]
