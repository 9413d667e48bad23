"""`{% brand_of workspace as brand %}`: a workspace's colour, readable text colour and logo URL
for the pages and e-mails creators see (see templates/components/brand_bar.html)."""

from django import template

from accounts.branding import Brand, brand_for
from accounts.models import Workspace

register = template.Library()


@register.simple_tag
def brand_of(workspace: Workspace) -> Brand:
    return brand_for(workspace)
