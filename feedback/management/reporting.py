"""What `ingest_email` and `fetch_email` print: one line per rejection on stderr, a summary."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from feedback.inbox.ingest import IngestOutcome, IngestResult
from feedback.inbox.parse import one_line

# sysexits.h: a mail server that pipes into `ingest_email` bounces on EX_DATAERR and
# retries later on EX_TEMPFAIL.
EX_DATAERR = 65
EX_SOFTWARE = 70
EX_TEMPFAIL = 75


class IngestReport:
    def __init__(self, command: BaseCommand, *, verbosity: int, dry_run: bool) -> None:
        self.command = command
        self.verbosity = verbosity
        self.dry_run = dry_run
        self.counts: Counter[IngestOutcome] = Counter()
        self.failed = 0

    def add(self, label: str, result: IngestResult) -> None:
        self.counts[result.outcome] += 1
        label = one_line(label)  # file names may hold bytes the terminal cannot print
        reference = result.conversation.reference if result.conversation else ""
        if result.outcome == IngestOutcome.REJECTED:
            self.command.stderr.write(f"rejected {label}: {one_line(result.reason)}")
        elif self.verbosity >= 2:
            detail = ", ".join(part for part in (reference, result.reason) if part)
            self.command.stdout.write(f"{result.outcome} {label}: {one_line(detail)}")

    def fail(self, label: str) -> None:
        """A message that could not be processed; the error is logged where it arose."""
        self.failed += 1
        if self.verbosity >= 2:
            self.command.stdout.write(f"failed {one_line(label)}: see the log")

    def finish(self) -> None:
        """Print the summary; fail with EX_SOFTWARE when any message failed unexpectedly,
        else with EX_DATAERR when any was rejected."""
        rejected = self.counts[IngestOutcome.REJECTED]
        if self.verbosity >= 1:
            prefix = "Dry run, nothing kept: " if self.dry_run else ""
            failed = f", {self.failed} failed" if self.failed else ""
            self.command.stdout.write(
                f"{prefix}{self.counts[IngestOutcome.STORED]} stored, "
                f"{self.counts[IngestOutcome.DUPLICATE]} duplicate, "
                f"{self.counts[IngestOutcome.AUTO_REPLY]} auto-reply or bounce, "
                f"{rejected} rejected{failed}."
            )
        if self.failed:
            raise CommandError(
                f"{self.failed} message(s) failed (see the log) and are tried again on the "
                "next poll" + (f"; {rejected} message(s) rejected" if rejected else ""),
                returncode=EX_SOFTWARE,
            )
        if rejected:
            raise CommandError(f"{rejected} message(s) rejected", returncode=EX_DATAERR)
