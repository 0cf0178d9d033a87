"""The content pack format and its loader (strategy.packs), with the Verl pack."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from feedback.models import Topic
from strategy.models import Page, SeedRecord, Task, TownProfile
from strategy.packs import PackError, pack_load, pack_read
from strategy.packs.reader import PACKS_DIR
from tests.strategy.seed_snapshot import seed_snapshot

SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "verl-seed-snapshot.json"
VERL = PACKS_DIR / "verl"


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_content", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_verl_pack_loads_what_the_python_content_loaded():
    load("verl", "--demo")
    before = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    after = seed_snapshot()
    assert {k: len(v) for k, v in after.items()} == {
        **{k: len(v) for k, v in before.items()},
        "strategy.page": 7,  # and the page in Leichte Sprache
    }
    pages_before = {page["slug"]: page for page in before.pop("strategy.page")}
    pages_after = {page["slug"]: page for page in after.pop("strategy.page")}
    assert after == before
    assert pages_after.pop("leichte-sprache")["title"] == "Leichte Sprache"
    old = pages_before.pop("barrierefreiheit")
    new = pages_after.pop("barrierefreiheit")
    assert pages_after == pages_before
    # The accessibility statement now points to both explanation pages and names the
    # arbitration body from the town profile; the rest is as before.
    assert "fehlen noch" in old["body"]
    assert "fehlen noch" not in new["body"]
    assert "(/leichte-sprache/)" in new["body"]
    assert "(/gebaerdensprache/)" in new["body"]
    assert TownProfile.get_solo().arbitration_body in new["body"]
    assert (
        new["body"]
        .split("## Nicht barrierefreie")[0]
        .replace(
            "\n- Was auf dieser Website steht und wie Sie sie bedienen, erklärt die Seite "
            "[Leichte Sprache](/leichte-sprache/) in Leichter Sprache.",
            "",
        )
        == old["body"].split("## Nicht barrierefreie")[0]
    )


@pytest.mark.django_db
def test_the_verl_pack_sets_the_town_profile():
    load("verl")
    town = TownProfile.get_solo()
    assert (town.name, town.short_name, town.reference_prefix) == ("Stadt Verl", "Verl", "VERL")
    assert (town.mail_sender_name, town.mail_sender_address) == ("Stadt Verl", "digital@verl.de")
    assert town.federal_state == "NW"
    assert town.arbitration_url == "https://www.mags.nrw/ombudsstelle-barrierefreie-it"


@pytest.mark.django_db
def test_a_profile_made_before_the_first_load_is_taken_over_then_kept():
    TownProfile.objects.update_or_create(
        id=TownProfile.singleton_instance_id,
        defaults={"name": "Stadt Irgendwo", "short_name": "Irgendwo"},
    )
    load("verl")
    assert TownProfile.get_solo().name == "Stadt Verl"
    TownProfile.objects.update(name="Stadt Verl (geändert)")
    assert "1 as edited" in load("verl")
    assert TownProfile.get_solo().name == "Stadt Verl (geändert)"


@pytest.mark.django_db
def test_the_legal_texts_are_rendered_from_the_profile_and_the_settings(settings):
    settings.RETENTION_MONTHS = 18
    load("verl")
    privacy = Page.objects.get(slug=Page.PRIVACY).body
    assert "Nach 18 Monaten" in privacy
    assert "{{" not in privacy
    assert "{%" not in privacy
    assert not privacy.startswith("\n")
    assert "[digitalisierung@verl.de](mailto:digitalisierung@verl.de)" in privacy


@pytest.mark.django_db
def test_english_variants_are_loaded():
    load("verl")
    home = Page.objects.get(slug=Page.HOME)
    assert home.title_en.startswith("The Chief Digital Officer")
    assert home.body_en.startswith("The Town of Verl, too,")
    assert not Task.objects.filter(title_en="").exists()
    assert Page.objects.get(slug=Page.PRIVACY).body_en.startswith("This is a summary")
    assert Topic.objects.get(name="Barriere melden").name_en == "Report an accessibility barrier"


@pytest.mark.django_db
def test_english_added_to_a_pack_later_reaches_an_untouched_page():
    load("verl")
    Page.objects.filter(slug=Page.HOME).update(title_en="")
    record = SeedRecord.objects.get(key="strategy.page:slug=start")
    # As written by a load before the pack had English: the checksum of the German fields.
    from strategy.services import _checksum

    home = Page.objects.get(slug=Page.HOME)
    record.checksum = _checksum({n: getattr(home, n) for n in ("status", "title", "intro", "body")})
    record.save()
    Page.objects.filter(slug=Page.HOME).update(body_en="", intro_en="")
    load("verl")
    assert Page.objects.get(slug=Page.HOME).title_en.startswith("The Chief Digital Officer")


@pytest.mark.django_db
def test_load_verl_content_is_load_content_verl():
    first = StringIO()
    call_command("load_verl_content", stdout=first)
    assert "created 25" in first.getvalue()
    assert "left 25 unchanged" in load("verl")


@pytest.mark.django_db
def test_a_pack_is_found_by_directory_and_an_unknown_name_is_refused():
    assert "created 25" in load(str(VERL))
    with pytest.raises(CommandError, match=r"No content pack 'nirgendwo'.*verl"):
        load("nirgendwo")


def write_pack(tmp_path: Path, body: str, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "pack.toml").write_text('[pack]\nname = "Test"\n' + body, encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[[seiten]]\nslug = 'x'\n", r"pack.toml: unknown section \[seiten\]"),
        ("[[pages]]\nslug = 'x'\ntitel = 'X'\n", r"\[pages\], entry 1: unknown key 'titel'"),
        ("[[pages]]\nslug = 'x'\n", r"\[pages\], entry 1: key 'title' is missing"),
        (
            "[[tasks]]\nslug = 'x'\ntitle = 'X'\nposition = 'eins'\n",
            r"key 'position': expected number",
        ),
        (
            "[[pages]]\nslug = 'x'\ntitle = 'X'\nbody_file = 'fehlt.md'\n",
            r"file 'fehlt.md' not found",
        ),
        ("[[pages]]\nslug = 'x'\ntitle = 'X'\nbody_file = '../../etc/passwd'\n", r"not found"),
        ("[[pages]\n", r"pack.toml: "),
        ("[town]\nname = 'Stadt X'\n", r"\[town\]: key 'short_name' is missing"),
    ],
)
def test_a_faulty_pack_is_refused_naming_file_and_key(tmp_path, body, message):
    with pytest.raises(PackError, match=message):
        pack_read(write_pack(tmp_path, body))


@pytest.mark.django_db
def test_an_unknown_placeholder_is_refused_and_nothing_is_written(tmp_path):
    pack = write_pack(
        tmp_path,
        "[[pages]]\nslug = 'a'\ntitle = 'A'\n[[pages]]\nslug = 'b'\ntitle = 'B'\nbody_file = 'b.md'\n",
        {"b.md": "Schreiben Sie an {{ town.cdo_mail }}."},
    )
    with pytest.raises(
        PackError, match=r"entry 2, file 'b.md': unknown placeholder 'town.cdo_mail'"
    ):
        pack_load(source=pack)
    assert not Page.objects.exists()


@pytest.mark.django_db
def test_a_pack_cannot_print_a_secret(tmp_path, settings):
    pack = write_pack(tmp_path, "[[pages]]\nslug = 'a'\ntitle = '{{ settings.SECRET_KEY }}'\n")
    with pytest.raises(PackError, match=r"unknown placeholder 'settings\.SECRET_KEY'"):
        pack_load(source=pack)


@pytest.mark.django_db
def test_an_invalid_value_is_a_command_error_not_a_traceback(tmp_path):
    pack = write_pack(tmp_path, "[[pages]]\nslug = 'kein slug!'\ntitle = 'A'\n")
    with pytest.raises(CommandError, match="slug"):
        load(str(pack))


@pytest.mark.django_db
def test_setup_inbox_loads_the_topics_of_the_pack_without_duplicates():
    call_command("setup_inbox", verbosity=0)
    load("verl")
    call_command("setup_inbox", verbosity=0)
    assert Topic.objects.count() == 4


MUSTERSTADT = Path(__file__).resolve().parent.parent / "content_packs" / "musterstadt"


@pytest.mark.django_db
def test_the_coat_of_arms_of_a_pack_is_stored_cleaned_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        load(str(MUSTERSTADT))
    profile = TownProfile.get_solo()
    stored = profile.coat_of_arms.read()
    assert b"<svg" in stored
    assert b"<circle" in stored
    page = client.get("/").content.decode()
    assert "/wappen/" in page

    # An editor removes it: the next load does not bring it back.
    profile.coat_of_arms = ""
    profile.save()
    assert "left 0 unchanged" not in load(str(MUSTERSTADT))
    profile.refresh_from_db()
    assert not profile.coat_of_arms


@pytest.mark.django_db
def test_a_coat_of_arms_with_a_script_is_cleaned_when_the_pack_loads(tmp_path):
    hostile = (
        (MUSTERSTADT / "wappen.svg")
        .read_text(encoding="utf-8")
        .replace(
            "</svg>",
            '<script>alert(1)</script><rect onload="alert(2)" width="1" height="1"/></svg>',
        )
    )
    pack = tmp_path / "pack"
    pack.mkdir()
    toml = (MUSTERSTADT / "pack.toml").read_text(encoding="utf-8")
    start = toml.index("[town]")
    end = toml.index("\n[", start + 1)
    (pack / "pack.toml").write_text('[pack]\nname = "X"\n' + toml[start:end] + "\n", "utf-8")
    (pack / "wappen.svg").write_text(hostile, encoding="utf-8")
    pack_load(source=pack)
    stored = TownProfile.get_solo().coat_of_arms.read()
    assert b"<rect" in stored
    assert b"script" not in stored
    assert b"onload" not in stored
