"""Helpers shared by pages: show an application error beside the form field it concerns."""

from django import forms

from core.errors import ApplicationError


def add_form_errors(form: forms.BaseForm, error: ApplicationError) -> None:
    if not error.fields:
        form.add_error(None, error.message)
        return
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
