"""Write the NHS.UK frontend stylesheet without its web-font rules.

The stylesheet shipped by wagtail-nhsuk-frontend loads the Frutiger font from
assets.nhs.uk. This site loads nothing from other hosts, so the copy it serves
(`cop_site/static/cop_site/vendor/`) drops those @font-face rules and the
text falls back to Arial, as nhsuk-frontend itself specifies. Run it again
after upgrading wagtail-nhsuk-frontend; a test checks the copy is current.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import wagtailnhsukfrontend

VERSION = "10.4.2"
SOURCE = (
    Path(wagtailnhsukfrontend.__file__).parent
    / "static/wagtailnhsukfrontend/css"
    / f"nhsuk-frontend-{VERSION}.min.css"
)
TARGET = (
    Path(__file__).resolve().parent.parent
    / "cop_site/static/cop_site/vendor"
    / f"nhsuk-frontend-{VERSION}.local.min.css"
)
EXTERNAL_FONT_FACE = re.compile(r"@font-face\{[^}]*url\(https?://[^}]*\}")
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")


def localised(css: str) -> str:
    css = EXTERNAL_FONT_FACE.sub("", css)
    return SOURCE_MAP.sub("", css)


def main() -> int:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(localised(SOURCE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"Wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
