from pathlib import PurePath
from typing import Any

from django import forms

from creators.importing.files import EXTENSIONS
from creators.importing.mapping import CREATOR_FIELDS, VIDEO_FIELDS, TargetField, validate_mapping
from creators.importing.services import max_upload_bytes

ACCEPT = ",".join(sorted({*EXTENSIONS, ".xlsx"}))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="File")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in EXTENSIONS:
            raise forms.ValidationError("Upload a .csv, .json, .jsonl or .xlsx file.")
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")
        return upload


class ImportMappingForm(forms.Form):
    """One select per field we import, listing the file's columns; empty means "not in this file"."""

    def __init__(self, *args: Any, columns: list[str], initial_mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", "— not in this file —"), *((column, column) for column in columns)]
        for target in (*CREATOR_FIELDS, *VIDEO_FIELDS):
            self.fields[target.name] = forms.ChoiceField(
                label=target.label,
                choices=choices,
                required=False,
                initial=initial_mapping.get(target.name, ""),
            )

    @property
    def creator_fields(self) -> list[tuple[TargetField, forms.BoundField]]:
        return [(target, self[target.name]) for target in CREATOR_FIELDS]

    @property
    def video_fields(self) -> list[tuple[TargetField, forms.BoundField]]:
        return [(target, self[target.name]) for target in VIDEO_FIELDS]

    def mapping(self) -> dict[str, str]:
        return {name: column for name, column in self.cleaned_data.items() if column}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, messages in validate_mapping(self.mapping(), self.columns).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned
