from django import template
from django.template.loader import get_template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_entry(context, entry):
    """A trajectory entry by its own template, with the page's context and its own."""
    with context.push(**entry.context):
        return get_template(entry.template).template.render(context)
