from django.urls import path

from reviews.views import inbox

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", inbox.inbox_open, name="inbox_open"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox_read_all"),
    path("inbox/email/", inbox.inbox_email, name="inbox_email"),
]
