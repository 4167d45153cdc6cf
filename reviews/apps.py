from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Review rounds")

    def ready(self):
        from reviews import territory

        # Open rounds guard and follow territory changes; a village added mid-round gets its list.
        territory.connect()
