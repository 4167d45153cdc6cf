from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Poverty standards and support policies")

    def ready(self):
        from django.core import checks

        checks.register(check_procedure)


def check_procedure(app_configs=None, **kwargs):
    """The procedure file parses: every value has its source and confidence, periods do not overlap."""
    from django.core import checks

    from policies.procedure import ProcedureError, versions

    versions.cache_clear()
    try:
        versions()
    except (ProcedureError, OSError, ValueError) as error:
        return [checks.Error(f"policies/fixtures/procedure.json: {error}", id="policies.E001")]
    return []
