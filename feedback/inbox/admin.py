"""The inbox in the admin: conversations with their messages, answering (from templates),
attachment downloads, the list of all feedback, topics and answer templates.

Every change goes through `feedback.inbox.services`, never a plain save.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaks_filter
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.text import smart_split, unescape_string_literal
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feedback.account_services import user_display_name
from feedback.admin_tools import LargeTablePaginator, ReadOnlyInline, bulk_apply
from feedback.cases.admin import (
    DeadlineFilter,
    OutcomeFields,
    due_date_display,
    outcome_arguments,
    outcome_details,
)
from feedback.cases.services import case_outcome_validate
from feedback.inbox.services import (
    answer_subject,
    conversation_answer,
    conversation_assign,
    conversation_edit,
    conversation_set_status,
    conversation_status_check,
)
from feedback.measure_links.admin import (
    ConversationMeasureLinkInline,
    MeasureFilter,
    MeasureLinkActionForm,
    measure_link_action,
    measure_links_save,
)
from feedback.models import (
    AnswerTemplate,
    Attachment,
    Case,
    CaseChannel,
    Conversation,
    ConversationStatus,
    Direction,
    MeasureLink,
    Message,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active", "responsible_group"]
    list_editable = ["position", "is_active"]
    list_select_related = ["responsible_group"]
    search_fields = ["name"]
    filter_horizontal = ["responsible_users"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name", "text"]


class MessageInline(ReadOnlyInline, admin.StackedInline):
    """The conversation's messages in order, as they were: nothing here can be edited."""

    model = Message
    fields = ["summary", "body", "attachment_list"]
    verbose_name_plural = _("Verlauf")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return (
            super().get_queryset(request).select_related("author").prefetch_related("attachments")
        )

    @admin.display(description=_("Nachricht"))
    def summary(self, message: Message) -> SafeString:
        when = message.sent_at or message.created_at
        sender = (
            f"{message.from_name} <{message.from_address}>"
            if message.from_name
            else message.from_address
        )
        if message.direction == Direction.OUT and message.author:
            sender = f"{user_display_name(message.author)} ({sender})"
        return format_html(
            "<strong>{}</strong> · {}<br>{}: {}<br>{}: {}<br>{}: {}",
            message.get_direction_display(),
            date_format(localtime(when), "SHORT_DATETIME_FORMAT") if when else "–",
            _("Von"),
            sender,
            _("An"),
            message.to or "–",
            _("Betreff"),
            message.subject or "–",
        )

    @admin.display(description=_("Text"))
    def body(self, message: Message) -> SafeString:
        # Citizens' text is shown as text: escaped, with its line breaks.
        return format_html(
            '<div class="inbox-text">{}</div>', linebreaks_filter(message.text, autoescape=True)
        )

    @admin.display(description=_("Anhänge"))
    def attachment_list(self, message: Message) -> SafeString:
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {} KB)</li>',
            (
                (
                    reverse("admin:feedback_conversation_attachment", args=[item.pk]),
                    item.filename,
                    item.content_type,
                    max(1, round(item.size / 1024)),
                )
                for item in message.attachments.all()
            ),
        )
        dropped = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((_("nicht übernommen"), note) for note in message.dropped_attachments),
        )
        if not links and not dropped:
            return format_html("{}", "–")
        return format_html("<ul>{}{}</ul>", links, dropped)


def staff_members() -> QuerySet:
    """Everyone who can be made responsible for a conversation, by name."""
    return (
        get_user_model()
        .objects.filter(is_staff=True)
        .order_by("first_name", "last_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    """Staff by full name (the user name only for an account without one): a plain choice,
    without the admin's icons to edit or add users beside it."""

    def label_from_instance(self, obj: Any) -> str:
        return user_display_name(obj)


class ConversationForm(forms.ModelForm):
    """Status, topic and assignment; closing records the case's outcome (`OutcomeFields`)."""

    outcome = OutcomeFields.base_fields["outcome"]
    outcome_measure = OutcomeFields.base_fields["outcome_measure"]
    outcome_reason = OutcomeFields.base_fields["outcome_reason"]
    outcome_organisation = OutcomeFields.base_fields["outcome_organisation"]

    assignee = StaffChoiceField(label=_("zuständig"), queryset=staff_members(), required=False)

    class Meta:
        model = Conversation
        fields = ["status", "topic", "assignee", "notes"]

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        if self.instance.pk and status != self.initial.get("status"):
            conversation_status_check(conversation=self.instance, status=status)
        return status

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        case = Case.objects.filter(conversation=self.instance).first() if self.instance.pk else None
        if case is None or self.errors:
            return data
        if data.get("outcome"):
            case_outcome_validate(case=case, **outcome_arguments(data))
        elif data.get("status") == ConversationStatus.CLOSED and not case.outcome:
            raise ValidationError(
                {"outcome": _("Bitte halten Sie beim Abschließen das Ergebnis des Falls fest.")}
            )
        return data


# The answer box on a conversation's page is a form of its own (posted to the answer view),
# whose fields sit between the messages and the conversation's own fields through this id.
ANSWER_FORM_ID = "conversation-answer"


class AnswerForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Vorlage"), queryset=AnswerTemplate.objects.all(), required=False
    )
    text = forms.CharField(
        label=_("Antwort"), widget=forms.Textarea(attrs={"rows": 14, "cols": 80}), required=False
    )
    asks_citizen = forms.BooleanField(
        label=_("Rückfrage an den Absender: die Antwortfrist ruht, bis er antwortet"),
        required=False,
    )
    close = forms.BooleanField(
        label=_("Vorgang nach dem Senden schließen"),
        required=False,
        help_text=_("Sonst steht er danach auf „beantwortet“."),
    )

    def __init__(self, *args: Any, form_id: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_answer_%s")
        super().__init__(*args, **kwargs)
        if form_id:
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id


class AssigneeFilter(admin.SimpleListFilter):
    """Staff by name (all staff, not the assignees found by scanning every row)."""

    title = _("zuständig")
    parameter_name = "assignee__id__exact"
    NOBODY = "niemand"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [
            (self.NOBODY, _("niemand")),
            *((str(user.pk), user_display_name(user)) for user in staff_members()),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.NOBODY:
            return queryset.filter(assignee__isnull=True)
        if value is None:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(assignee_id=value)


def _status_action(status: str, label: Any):
    def action(modeladmin: ConversationAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        changed, refused = bulk_apply(
            queryset,
            lambda conversation: conversation_set_status(conversation=conversation, status=status),
        )
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d Vorgang auf „%(status)s“ gesetzt.",
                "%(count)d Vorgänge auf „%(status)s“ gesetzt.",
                changed,
            )
            % {"count": changed, "status": ConversationStatus(status).label},
            messages.SUCCESS,
        )
        if refused:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d Vorgang ließ sich nicht umstellen (der Status erlaubt das nicht, "
                    "oder zum Abschließen fehlt das Ergebnis des Falls).",
                    "%(count)d Vorgänge ließen sich nicht umstellen (der Status erlaubt das "
                    "nicht, oder zum Abschließen fehlt das Ergebnis des Falls).",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    action.__name__ = f"mark_{status}"
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    form = ConversationForm
    # What fits beside the filters at 1280 px; channel and topic are filters, the address
    # is searched and shown on the conversation's page.
    list_display = [
        "number",
        "subject_display",
        "sender",
        "status_due",
        "assignee_name",
        "last_message",
    ]
    list_display_links = ["number", "subject_display"]
    list_filter = [
        DeadlineFilter,
        "status",
        "channel",
        "topic",
        AssigneeFilter,
        "created_at",
        MeasureFilter,
    ]
    list_select_related = ["topic", "assignee", "case"]
    # The messages' text is searched too (`get_search_results`).
    search_fields = ["reference", "subject", "contact_name", "contact_email"]
    search_help_text = _("Sucht in Vorgangsnummer, Betreff, Absender und Text der Nachrichten.")
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
    sortable_by = ["number", "status_due", "last_message"]
    readonly_fields = [
        "reference",
        "channel",
        "subject",
        "contact_name",
        "contact_email",
        "created_at",
        "last_message_at",
        "consent",
        "notify_progress",
        "case_summary",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["reference", "channel", "subject", "contact_name", "contact_email"]},
        ),
        (_("Bearbeitung"), {"fields": ["status", "topic", "assignee", "notes"]}),
        (
            _("Ergebnis (beim Abschließen)"),
            {
                "fields": [
                    "case_summary",
                    "outcome",
                    "outcome_measure",
                    "outcome_reason",
                    "outcome_organisation",
                ]
            },
        ),
        (
            _("Zeitpunkte und Einwilligung"),
            {
                "fields": ["created_at", "last_message_at", "consent", "notify_progress"],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [ConversationMeasureLinkInline, MessageInline]
    action_form = MeasureLinkActionForm
    actions = [
        _status_action(ConversationStatus.IN_PROGRESS, _("Status: in Bearbeitung")),
        _status_action(ConversationStatus.ANSWERED, _("Status: beantwortet")),
        _status_action(ConversationStatus.CLOSED, _("Status: geschlossen")),
        _status_action(ConversationStatus.NEW, _("Status: neu")),
        "assign_to_me",
        "link_to_measure",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # conversations come from the contact form and e-mail only

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Every word in a field of the conversation or in one of its messages.

        The messages are searched in a subquery, not joined: a join would make the admin
        add DISTINCT over the whole inbox (a second per page view at 100,000 conversations).
        """
        for word in smart_split(search_term):
            if word[:1] in {'"', "'"} and word[-1:] == word[:1] and len(word) > 1:
                word = unescape_string_literal(word)
            matches = Q(pk__in=Message.objects.filter(text__icontains=word).values("conversation"))
            for field in self.search_fields:
                matches |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset, False

    @admin.display(description=_("Betreff"), ordering="subject")
    def subject_display(self, conversation: Conversation) -> str:
        subject = conversation.subject or "–"
        return subject if len(subject) <= 80 else f"{subject[:79]}…"

    @admin.display(description=_("Status, fällig"), ordering="status")
    def status_due(self, conversation: Conversation) -> SafeString:
        """The status with the answer's due date below it: one column, so the list fits."""
        return format_html(
            "{}<br><small>{}</small>",
            conversation.get_status_display(),
            due_date_display(getattr(conversation, "case", None)),
        )

    @admin.display(description=_("Fall"))
    def case_summary(self, conversation: Conversation) -> SafeString:
        case = getattr(conversation, "case", None)
        if case is None:
            return format_html("{}", "–")
        return format_html(
            '{} · {}: {} · {}: {} · <a href="{}">{}</a>',
            case.get_status_display(),
            _("fällig"),
            due_date_display(case),
            _("Ergebnis"),
            case.get_outcome_display() or "–",
            reverse("admin:feedback_case_change", args=[case.pk]),
            _("Fall öffnen"),
        )

    @admin.display(description=_("Nummer"), ordering="reference")
    def number(self, conversation: Conversation) -> str:
        return conversation.reference

    @admin.display(description=_("Absender"))
    def sender(self, conversation: Conversation) -> str:
        return conversation.contact_name or conversation.contact_email

    @admin.display(description=_("zuständig"))
    def assignee_name(self, conversation: Conversation) -> str:
        return user_display_name(conversation.assignee) if conversation.assignee else "–"

    @admin.display(description=_("letzte Nachricht"), ordering="last_message_at")
    def last_message(self, conversation: Conversation) -> str:
        return date_format(localtime(conversation.last_message_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("Einwilligung Datenschutz"))
    def consent(self, conversation: Conversation) -> str:
        if not conversation.consented_at:
            return "–"
        return _("Version %(version)s am %(date)s") % {
            "version": conversation.consent_version,
            "date": date_format(localtime(conversation.consented_at), "SHORT_DATETIME_FORMAT"),
        }

    @admin.action(description=_("Mir zuweisen"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        for conversation in queryset:
            conversation_assign(
                conversation=conversation, assignee=request.user, actor=request.user
            )
        self.message_user(request, _("Die Vorgänge sind Ihnen zugewiesen."), messages.SUCCESS)

    @admin.action(
        description=_("Ausgewählte Vorgänge der gewählten Maßnahme zuordnen"),
        permissions=["change"],
    )
    def link_to_measure(self, request: HttpRequest, queryset: QuerySet) -> None:
        measure_link_action(self, request, queryset, "conversation")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is MeasureLink:
            measure_links_save(request, formset, conversation=form.instance)
        else:
            super().save_formset(request, form, formset, change)

    def save_model(self, request: HttpRequest, obj: Conversation, form: Any, change: bool) -> None:
        conversation_edit(
            conversation=obj,
            status=form.cleaned_data["status"],
            topic=form.cleaned_data["topic"],
            assignee=form.cleaned_data["assignee"],
            notes=form.cleaned_data["notes"],
            actor=request.user,
            outcome=form.cleaned_data.get("outcome") or "",
            outcome_details=outcome_details(form.cleaned_data),
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The conversation as a mail client shows it: the messages, the answer box (with a
        template loaded through `?vorlage=<id>`), then status, assignee and notes."""
        conversation = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if conversation is not None and self.has_change_permission(request, conversation):
            initial = {}
            chosen = request.GET.get("vorlage", "")
            template = (
                AnswerTemplate.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            )
            if template is not None:
                initial = {"template": template, "text": template.render(conversation)}
            context["answer_form"] = AnswerForm(initial=initial, form_id=ANSWER_FORM_ID)
            context["answer_form_id"] = ANSWER_FORM_ID
            context["answer_subject"] = answer_subject(conversation)
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/antworten/",
                wrap(self.answer_view),
                name="feedback_conversation_answer",
            ),
            path("uebersicht/", wrap(self.overview_view), name="feedback_overview"),
            path(
                "anhang/<int:pk>/",
                wrap(self.attachment_view),
                name="feedback_conversation_attachment",
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Write an answer (optionally from a template) and e-mail it to the citizen."""
        conversation = self.get_object(request, unquote(object_id))
        if conversation is None:
            raise Http404
        if not self.has_change_permission(request, conversation):
            raise PermissionDenied
        form = AnswerForm(request.POST or None)
        change_url = reverse("admin:feedback_conversation_change", args=[conversation.pk])
        if request.method == "POST" and form.is_valid():
            template = form.cleaned_data["template"]
            if "load_template" in request.POST:
                # Back to the conversation, the template's text in its answer box.
                query = f"?vorlage={template.pk}" if template is not None else ""
                return HttpResponseRedirect(f"{change_url}{query}#antwort")
            else:
                try:
                    conversation_answer(
                        conversation=conversation,
                        author=request.user,
                        text=form.cleaned_data["text"],
                        asks_citizen=form.cleaned_data["asks_citizen"],
                        close=form.cleaned_data["close"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("Die Antwort an %(address)s ist gespeichert und wird versandt.")
                        % {"address": conversation.contact_email},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Antworten auf %(reference)s") % {"reference": conversation.reference},
            "conversation": conversation,
            "original": conversation,
            "answer_subject": answer_subject(conversation),
            "form": form,
            "thread": conversation.messages.select_related("author"),
        }
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/feedback/conversation/answer.html", context, status=status
        )

    def overview_view(self, request: HttpRequest) -> HttpResponse:
        """The old address of *Alle Rückmeldungen*: now the case list (`feedback.cases.admin`),
        its channel (`?kanal=`) carried over."""
        url = reverse("admin:feedback_case_changelist")
        channel = request.GET.get("kanal", "")
        if channel in CaseChannel.values:
            url = f"{url}?{urlencode({'channel__exact': channel})}"
        return HttpResponseRedirect(url)

    def attachment_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """Attachments are downloaded, never shown inline, and only by staff who may see them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=pk)
        try:
            stream = attachment.file.open("rb")
        except OSError as error:  # the file was removed from storage by hand
            raise Http404 from error
        return FileResponse(
            stream,
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type,
        )
