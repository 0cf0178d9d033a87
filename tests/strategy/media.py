"""Small files of each kind the sign-language upload checks tell apart, made in the test.

They carry the signatures the checks read (an EBML header with DocType "webm", an ISO BMFF
`ftyp` box), not playable pictures; the browser test records a real video.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

# EBML header: EBMLVersion 1, ReadVersion 1, MaxIDLength 4, MaxSizeLength 8, DocType "webm".
WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x02\x42\x85\x81\x02" + b"\x00" * 64
)
# An `ftyp` box of 24 bytes: major brand isom, minor version 512, compatible isom and mp41.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41" + b"\x00" * 64
CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHallo, hier ist die Stadt.\n"
# The smallest PNG signature and header chunk filetype needs.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
