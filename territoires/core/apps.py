from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "territoires.core"

    def ready(self):
        from django.urls import register_converter

        from territoires.core.converters import CodeConverter

        register_converter(CodeConverter, "code")
