from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from feedback.forms import ContactForm
from feedback.ratelimit import Limit, client_fingerprint, limit_exceeded
from feedback.services import conversation_open_from_form

SENT_REFERENCE = "feedback_contact_reference"


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The contact form. Errors re-render it with what was typed (400; 429 when too many)."""
    template = "feedback/conversation_create.html"
    if request.method != "POST":
        return render(request, template, {"form": ContactForm(user=request.user)})
    form = ContactForm(request.POST, user=request.user)
    limit = Limit("contact", settings.CONTACT_LIMIT_PER_HOUR, 3600)
    if limit_exceeded(limit=limit, key=client_fingerprint(request)):
        form.is_valid()  # show the other errors too, so nothing has to be fixed twice
        form.add_error(
            None,
            _(
                "Von Ihrem Anschluss kamen in der letzten Stunde sehr viele Nachrichten. "
                "Bitte versuchen Sie es später noch einmal oder schreiben Sie uns eine E-Mail."
            ),
        )
        return render(request, template, {"form": form}, status=429)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    conversation = conversation_open_from_form(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        subject=form.cleaned_data["subject"],
        topic=form.cleaned_data.get("topic"),
        text=form.cleaned_data["text"],
        consent_version=settings.PRIVACY_POLICY_VERSION,
    )
    request.session[SENT_REFERENCE] = conversation.reference
    return redirect("feedback:contact_sent")


@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    """Thanks, with the reference number of what this browser just sent."""
    reference = request.session.get(SENT_REFERENCE)
    if not reference:
        return redirect("feedback:contact")
    return render(request, "feedback/conversation_created.html", {"reference": reference})
