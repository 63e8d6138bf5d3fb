"""Render a document template to PDF (needs the Flask app for its templates)."""

from flask import render_template

from carers.documents.pdf import render_pdf


def document_html(template: str, *, title: str, author: str, **context) -> str:
    """The HTML of a template extending ``documents/_document.html``."""
    return render_template(template, doc_title=title, doc_author=author, **context)


def document_pdf(template: str, *, title: str, author: str, **context) -> bytes:
    html = document_html(template, title=title, author=author, **context)
    return render_pdf(html, title=title, author=author)
