import pytest

from jingchu.services import actions, reductions

pytestmark = pytest.mark.django_db


def test_figures_computed_from_the_version(content, materials):
    content.update(legal_days=20, promised_days=5, legal_materials=6, legal_steps=5, steps=2,
                   onsite_visits=1)
    version = actions.do_publish_item(None, code="000172001000", content=content,
                                      materials=materials)
    r = reductions.compute(version)
    # Three required materials (the conditional one does not count); two are supplied by a
    # licence or shared data, so one is uploaded.
    assert r.materials_required == 3
    assert r.materials_to_upload == 1
    assert r.materials_reused == 2
    assert r.materials_saved == 5
    assert r.steps_saved == 3
    assert r.days_saved == 15
    assert r.days_saved_ratio == 0.75
    assert not r.zero_visits
    figures = r.as_dict()
    assert figures["legal_materials"] == 6
    assert figures["days_saved_ratio"] == 0.75


def test_legal_materials_never_below_what_is_required(content, materials):
    content.update(legal_materials=0, legal_days=0, promised_days=0, case_kind="on_the_spot")
    version = actions.do_publish_item(None, code="000172001000", content=content,
                                      materials=materials)
    r = reductions.compute(version)
    assert r.legal_materials == 3
    assert r.days_saved_ratio == 0.0
    assert r.zero_visits
