"""Printed documents (PDF) following Nghị định 30/2020/NĐ-CP. Qt-free."""
from .layout import (DocumentHeader, LayoutSettings, SignerBlock, appendix_heading, build_pdf, doc_styles,
                     document_header, frame_size, grid_table, landscape_section, para, portrait_section,
                     signature_block)

__all__ = [
    "DocumentHeader", "LayoutSettings", "SignerBlock", "appendix_heading", "build_pdf", "doc_styles",
    "document_header", "frame_size", "grid_table", "landscape_section", "para", "portrait_section",
    "signature_block",
]
