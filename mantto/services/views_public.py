"""Screens without login: the driver's satisfaction survey (step 07)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from mantto.core.errors import DomainError
from mantto.services import delivery
from mantto.services.forms import SurveyForm


@never_cache
def survey(request, token: str):
    """GET shows the questions (answering needs a POST, so link scanners that open the
    e-mail's link cannot use it up)."""
    try:
        current = delivery.survey_for_token(token)
    except DomainError as exc:
        return render(request, "services/survey.html", {"error": exc.message}, status=404)
    if current.answered_at:
        return render(request, "services/survey.html", {"done": True, "survey": current})
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delivery.answer_survey(token, now=timezone.now(), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "services/survey.html", {"thanks": True, "survey": current})
    return render(request, "services/survey.html", {"form": form, "survey": current})
