from django import template
from django.utils.html import json_script
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def map_locale():
    """MapLibre's interface strings, translated, for every map's `locale` option.

    Only the controls the site's maps show; MapLibre keeps its English for the others.
    """
    strings = {
        "Map.Title": _("Carte"),
        "NavigationControl.ZoomIn": _("Zoomer"),
        "NavigationControl.ZoomOut": _("Dézoomer"),
        "NavigationControl.ResetBearing": _(
            "Faites glisser pour tourner la carte, cliquez pour revenir au nord"
        ),
        "AttributionControl.ToggleAttribution": _("Afficher ou masquer les crédits"),
        "CooperativeGesturesHandler.WindowsHelpText": _(
            "Utilisez Ctrl + molette pour zoomer sur la carte"
        ),
        "CooperativeGesturesHandler.MacHelpText": _(
            "Utilisez ⌘ + molette pour zoomer sur la carte"
        ),
        "CooperativeGesturesHandler.MobileHelpText": _(
            "Utilisez deux doigts pour déplacer la carte"
        ),
    }
    return json_script(strings, "map-locale")
