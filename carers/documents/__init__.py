"""Printed documents: HTML templates under ``templates/documents/`` rendered to PDF."""
