"""The knowledge base operators answer from, and the classifier's training examples."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Region
from jingchu.hotline.choices import TrainingSource
from jingchu.hotline.models.config import Category
from jingchu.services.models import ServiceItem


class KnowledgeArticle(models.Model):
    """An answer (知识库条目) linked to a service item of the catalog or to a policy."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="articles")
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="hotline_articles",
                             verbose_name=_("service item"))
    policy = models.CharField(_("policy"), max_length=300, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("applies in"))
    is_active = models.BooleanField(_("active"), default=True)
    use_count = models.PositiveIntegerField(_("times used"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-use_count", "title"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge base")

    def __str__(self) -> str:
        return self.title


class TrainingExample(models.Model):
    """A labelled text the classifier learns from. The shipped examples live in
    jingchu/hotline/data/training.csv; the table holds operators' corrections (and may hold
    imported examples), all of which retraining adds to the shipped ones."""

    text = models.TextField(_("text"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT,
                                 related_name="training_examples")
    source = models.CharField(_("source"), max_length=12, choices=TrainingSource.choices,
                              default=TrainingSource.CORRECTION)
    ticket = models.ForeignKey("hotline.Ticket", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training example")
        verbose_name_plural = _("training examples")

    def __str__(self) -> str:
        return f"{self.category_id}: {self.text[:30]}"
