"""The content blocks and rich-text features editors use on every kind of page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtailnhsukfrontend.blocks import (
    CareCardBlock,
    DetailsBlock,
    DoBlock,
    DontBlock,
    ExpanderBlock,
    InsetTextBlock,
    WarningCalloutBlock,
)

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class BodyBlock(blocks.StreamBlock):
    """Content blocks editors may use on standard and news pages."""

    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    image = ImageChooserBlock(label=_("Image"))
    document = DocumentChooserBlock(label=_("Document"))
    inset_text = InsetTextBlock()
    warning_callout = WarningCalloutBlock()
    care_card = CareCardBlock()
    do_list = DoBlock()
    dont_list = DontBlock()
    expander = ExpanderBlock()
    details = DetailsBlock()
