"""The coat of arms as uploaded: a real PNG, or an SVG rebuilt from an allow-list.

`coat_of_arms_clean` is the one check, for the admin's form and for content packs alike. A
PNG is recognised by its content (Pillow opens and verifies it), whatever its name says. An
SVG is parsed by defusedxml, which refuses a DTD, entities and external references outright
(no "billion laughs", no file or network reads), and is then written anew from what an
emblem needs: the shapes, groups, gradients and their stops, title and description. Whatever
else is dropped: `script`, `foreignObject`, `style` elements, images, animation, every
attribute not on the list (so every `on…` event handler), links to anything but a local
`#id`, and a `style` attribute or paint with `url(…)` pointing elsewhere, `expression(…)` or
escapes. The served file also gets a CSP that forbids scripts (`strategy.town_views`): two
locks on one door.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 512 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ELEMENTS = {
    "svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon",
    "defs", "linearGradient", "radialGradient", "stop", "title", "desc", "use",
}  # fmt: skip
# Geometry and presentation attributes; no event handler, no link but `href` (checked).
ATTRIBUTES = {
    "id", "viewBox", "preserveAspectRatio", "version", "width", "height", "x", "y",
    "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points",
    "transform", "fill", "fill-opacity", "fill-rule", "clip-rule", "stroke", "stroke-width",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "opacity", "color", "display", "visibility",
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
    "spreadMethod", "vector-effect", "shape-rendering", "style", "href",
}  # fmt: skip
STYLE_PROPERTIES = ATTRIBUTES - {"id", "style", "href"}
LOCAL_REFERENCE = re.compile(r"#[A-Za-z_][\w.:-]*")
LOCAL_URL = re.compile(r"url\(\s*(['\"]?)#[A-Za-z_][\w.:-]*\1\s*\)")
# What a value may never hold once local url(#id) references are taken out.
UNSAFE_VALUE = re.compile(r"url\(|expression|javascript:|@import|\\|<|&", re.I)


def coat_of_arms_clean(*, name: str, content: bytes) -> bytes:
    """The file to store for an upload: the PNG as it is, or the SVG rebuilt.

    Raises `ValidationError` with a German message for anything else. The stored file's
    name comes from the result (`coat_of_arms_name`), never from the upload's.
    """
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("Die Datei ist zu groß: höchstens %(size)d KB.") % {"size": MAX_BYTES // 1024},
            code="too_large",
        )
    if content.startswith(PNG_SIGNATURE):
        return _png_check(content)
    if name.lower().endswith(".svg"):
        return svg_clean(content)
    raise ValidationError(_("Bitte eine PNG- oder SVG-Datei hochladen."), code="invalid_type")


def coat_of_arms_name(content: bytes) -> str:
    """The name to store a cleaned file under: its kind decides the served Content-Type."""
    return "wappen.png" if content.startswith(PNG_SIGNATURE) else "wappen.svg"


def _png_check(content: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != "PNG":
                raise ValidationError(_("Die Datei ist kein gültiges PNG-Bild."), code="invalid")
            image.verify()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(_("Die Datei ist kein gültiges PNG-Bild."), code="invalid") from None
    return content


def svg_clean(content: bytes) -> bytes:
    """The SVG rebuilt from the allow-list; refuses what is no SVG or declares entities."""
    invalid = ValidationError(
        _("Die Datei ist kein gültiges SVG-Bild (ohne DTD und Entitäten)."), code="invalid"
    )
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, DefusedXmlException, ValueError):
        raise invalid from None
    if root.tag != f"{{{SVG}}}svg":
        raise invalid
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    clean = _element_copy(root)
    return ET.tostring(clean, encoding="utf-8", xml_declaration=True)


def _element_copy(element: ET.Element) -> ET.Element:
    tag = element.tag.removeprefix(f"{{{SVG}}}")
    copy = ET.Element(f"{{{SVG}}}{tag}")
    for key, value in element.attrib.items():
        attribute = _attribute_clean(tag, key, value)
        if attribute is not None:
            copy.set(*attribute)
    if tag in {"title", "desc"}:
        copy.text = element.text
    for child in element:
        child_tag = child.tag if isinstance(child.tag, str) else ""
        if child_tag.removeprefix(f"{{{SVG}}}") in ELEMENTS and child_tag.startswith(f"{{{SVG}}}"):
            copy.append(_element_copy(child))
    return copy


def _attribute_clean(tag: str, key: str, value: str) -> tuple[str, str] | None:
    if key == f"{{{XLINK}}}href":
        key = "href"
    elif key.startswith("{"):
        return None  # another namespace: editors' metadata, xml:base, …
    if key not in ATTRIBUTES:
        return None
    if key == "href":
        if tag != "use" and not tag.endswith("Gradient"):
            return None
        return (f"{{{XLINK}}}href", value) if LOCAL_REFERENCE.fullmatch(value.strip()) else None
    if key == "style":
        value = _style_clean(value)
        return (key, value) if value else None
    if UNSAFE_VALUE.search(LOCAL_URL.sub("", value)):
        return None
    return key, value


def _style_clean(style: str) -> str:
    """Keep the declarations of allowed properties whose values are safe."""
    kept = []
    for declaration in style.split(";"):
        prop, _colon, value = declaration.partition(":")
        prop, value = prop.strip().lower(), value.strip()
        if prop in STYLE_PROPERTIES and value and not UNSAFE_VALUE.search(LOCAL_URL.sub("", value)):
            kept.append(f"{prop}:{value}")
    return ";".join(kept)
