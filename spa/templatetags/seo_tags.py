"""Tags for search engines and link previews: JSON-LD and absolute URLs.

A spa library because it joins apps together: points' templates may load it.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from spa import seo

register = template.Library()

# The same escapes as django.utils.html.json_script: no "</script>" or "<!--"
# can end the block early, whatever the data holds.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: Any, nonce_attr: str = "") -> SafeString:
    """``<script type="application/ld+json">`` holding ``data``, escaped for HTML."""
    if not data:
        return mark_safe("")
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json"{}>{}</script>',
        format_html(" {}", nonce_attr) if nonce_attr else "",
        mark_safe(payload),  # noqa: S308 - escaped above, like json_script.
    )


@register.simple_tag(takes_context=True)
def json_ld(context: template.Context, data: Any) -> SafeString:
    """``{% json_ld data %}``: the data block.

    Browsers never run a data block, so script-src does not apply to it; without
    a nonce, the page can be cached whole (pagecache).
    """
    return json_ld_script(data)


@register.simple_tag(takes_context=True)
def point_howto(context: template.Context, point) -> SafeString:
    """``{% point_howto point %}``: a HowTo for the point's technique, if it has one."""
    request = context.get("request")
    return json_ld(context, seo.howto_for(point, request)) if request else mark_safe("")


@register.simple_tag(takes_context=True)
def business_json_ld(context: template.Context) -> SafeString:
    """``{% business_json_ld %}``: the spa as a HealthAndBeautyBusiness."""
    request = context.get("request")
    return json_ld(context, seo.business(request)) if request else mark_safe("")


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, viewname: str, *args: Any) -> str:
    """``{% absolute_url "points:image" point.slug %}``: a full URL for link previews."""
    path = reverse(viewname, args=args)
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path
