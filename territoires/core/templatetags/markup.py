from django import template
from django.utils.safestring import mark_safe

from territoires.core.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown
