"""The minimal app's rows: a bare insert's body, an application and its audit row."""

from __future__ import annotations

from django.db import models


class BareRow(models.Model):
    body = models.TextField()

    def __str__(self) -> str:
        return self.body[:40]


class Application(models.Model):
    service = models.CharField(max_length=40)
    implementation = models.CharField(max_length=60, blank=True)
    form = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.service


class AuditRow(models.Model):
    action = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.action} {self.object_id}"
