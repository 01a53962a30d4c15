"""Read-only admin views of identity data (personal data stays masked here too)."""

from __future__ import annotations

from django.contrib import admin

from jingchu.core.admin import ReadOnlyAdmin
from jingchu.core.masking import mask_id_number
from jingchu.identity.models import (
    ActingAuthorization,
    LegalEntity,
    LoginRecord,
    Person,
    Staff,
    StaffAssignment,
    User,
)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "kind", "is_active", "locked_until", "last_login")
    list_filter = ("kind", "is_active")
    search_fields = ("username", "display_name")
    exclude = ("password", "totp_secret")


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "masked_id_number", "gender", "birth_date", "verified_in_person_at")
    search_fields = ("name",)
    exclude = ("id_number", "id_number_index", "phone", "phone_index", "address")

    @admin.display(description="ID number")
    def masked_id_number(self, obj: Person) -> str:
        return mask_id_number(obj.id_number)


@admin.register(LegalEntity)
class LegalEntityAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "kind", "region", "legal_representative")
    search_fields = ("name", "uscc")
    exclude = ("address",)


@admin.register(ActingAuthorization)
class ActingAuthorizationAdmin(ReadOnlyAdmin):
    list_display = ("person", "legal_entity", "basis", "valid_until", "revoked_at")


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ("name", "employee_number", "user")
    exclude = ("phone",)


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("staff", "organization", "role")
    list_filter = ("role",)


@admin.register(LoginRecord)
class LoginRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "username_tried", "success", "stage", "reason", "source_ip")
    list_filter = ("success", "stage")
