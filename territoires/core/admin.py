from django.contrib import admin
from django.contrib.auth.models import Group

# Rights come from roles in territories (accounts/rules.py), never from Django's groups.
admin.site.unregister(Group)
